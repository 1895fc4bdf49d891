using Microsoft.AspNetCore.Server.Kestrel.Core;
using Prometheus;
using QwenLayered.Bridge;
using QwenLayered.CommandLine;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Cluster;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Hosting;

/// <summary>Builds the web application that <c>qwenlayered serve</c> runs: gRPC on one port, HTTP/1.1 on another.</summary>
public static partial class ServerApp
{
    /// <param name="args">Command-line configuration, for example <c>--Limits:MaxLayers=8</c>.</param>
    /// <param name="overrides">Settings that win over every other source (the serve command's own flags).</param>
    /// <param name="defaults">Settings that every other source overrides (the demo model when none is configured).</param>
    /// <exception cref="ServerConfigurationException">The configuration is unsafe or inconsistent.</exception>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null,
        IReadOnlyDictionary<string, string?>? defaults = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the executable, wherever the server is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (defaults is not null)
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Logging.LeaveFailedStartToTheCommandLine();

        var server = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        var limits = builder.Configuration.GetSection(ServedPolicy.LimitsSection).Get<DecompositionLimits>() ?? new DecompositionLimits();
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        var engine = builder.Configuration.GetSection(EngineOptions.Section).Get<EngineOptions>() ?? new EngineOptions();
        if (!System.Text.RegularExpressions.Regex.IsMatch(server.InstanceName, "^[A-Za-z0-9-]{0,40}$"))
            throw new ServerConfigurationException($"Server:InstanceName '{server.InstanceName}' may hold only letters, digits and '-' (at most 40).");
        jobs.Validate();
        engine.Validate();
        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        if (cluster.Enabled) cluster.RedisConfiguration();
        if (!string.IsNullOrWhiteSpace(engine.Model)) CheckModelFolder(engine.Model);
        builder.Services.Configure<ServerOptions>(builder.Configuration.GetSection(ServerOptions.Section));
        builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection(EngineOptions.Section));
        builder.Services.Configure<DecompositionLimits>(builder.Configuration.GetSection(ServedPolicy.LimitsSection));
        builder.Services.Configure<JobsOptions>(builder.Configuration.GetSection(JobsOptions.Section));
        builder.Services.Configure<AuthOptions>(builder.Configuration.GetSection(AuthOptions.Section));
        builder.Services.Configure<ClusterOptions>(builder.Configuration.GetSection(ClusterOptions.Section));
        // Running jobs get the drain timeout; the host waits a little longer so their outcome is stored.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = jobs.ShutdownDrainTimeout + TimeSpan.FromSeconds(10));

        var address = ListenAddress.Choose(server.Host, auth.Tokens.Count > 0);
        ListenAddress.RefuseKestrelEndpoints(builder.Configuration);
        var certificate = ServerCertificate.Load(builder.Configuration);
        // The two endpoints below are the only ones: --urls (ASPNETCORE_URLS) may not take their place.
        builder.WebHost.PreferHostingUrls(false);
        var ports = new ServerPorts();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC enforces the advertised limit from the message's length prefix, before reading the body, with
            // RESOURCE_EXHAUSTED. Kestrel's limit (by default 30,000,000 bytes) is only a backstop behind it: it counts
            // bytes as they arrive and resets the stream (UNKNOWN to the client), so it sits a margin above, or it could
            // trip first on a message just over the limit.
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBytes + RequestBodyMargin;
            kestrel.Listen(address, server.GrpcPort, listen =>
            {
                // With TLS, clients reach HTTP/2 through ALPN; without, by speaking it from the first byte (h2c).
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null) listen.UseHttps(certificate);
                ports.GrpcEndpoint = listen;
            });
            kestrel.Listen(address, server.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null) listen.UseHttps(certificate);
                ports.HttpEndpoint = listen;
            });
        });
        builder.Services.AddSingleton(ports);

        builder.Services.AddGrpc(grpc =>
        {
            // Above it a request is RESOURCE_EXHAUSTED before it is read.
            grpc.MaxReceiveMessageSize = limits.MaxRequestBytes;
        }).AddServiceOptions<DecomposerService>(decomposer => decomposer.Interceptors.Add<BearerTokenInterceptor>());
        builder.Services.AddGrpcReflection();
        var health = builder.Services.AddGrpcHealthChecks().AddCheck<ModelReadyHealthCheck>("model");
        builder.Services.AddSingleton<ServerMetrics>();
        builder.Services.AddSingleton<TokenDirectory>();
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddSingleton<ServedPolicy>();
        if (cluster.Enabled)
        {
            // Every job in the Redis that all servers share; no results folder.
            builder.Services.AddSingleton<RedisJobStore>();
            builder.Services.AddSingleton<IJobScheduler, RedisJobScheduler>();
            builder.Services.AddHostedService<LeaseReaper>();
            health.AddCheck<RedisHealthCheck>("redis");
        }
        else
        {
            builder.Services.AddSingleton<ResultStore>();
            builder.Services.AddSingleton<IJobScheduler, JobScheduler>();
        }
        builder.Services.AddSingleton<DecompositionRunner>();
        builder.Services.AddSingleton<DecomposeRequestValidator>();
        builder.Services.AddSingleton<DecomposeRequestReader>();
        builder.Services.AddSingleton<DecomposerCalls>();
        builder.Services.AddSingleton<BearerTokenInterceptor>();
        builder.Services.AddHostedService<ModelLoader>();
        builder.Services.AddHostedService<JobWorkers>();
        // The panel endpoint calls this server's scheduler directly, as the caller the panel's token names.
        builder.Services.AddPanelBridge<InProcessPanelDecomposer>(panel =>
        {
            builder.Configuration.GetSection(PanelBridgeOptions.Section).Bind(panel);
            // Where the gRPC port is, for the status page and messages. These options are read at the first panel
            // connection or status page, so the gRPC port is bound by then.
            panel.Server = new UriBuilder(certificate is null ? "http" : "https", ListenAddress.Loopback(address).ToString(), ports.Grpc).Uri;
        });

        var app = builder.Build();
        // Resolve these now, so the device is chosen and logged, and bad tokens or an unreadable results folder
        // are reported at startup, not on the first call.
        app.Services.GetRequiredService<ModelHost>();
        app.Services.GetRequiredService<TokenDirectory>();
        app.Services.GetRequiredService<IJobScheduler>();
        MemoryPlanCheck.Run(engine, app.Logger);

        var metrics = app.Services.GetRequiredService<ServerMetrics>();
        app.MapGrpcService<DecomposerService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz");
        app.MapMetrics("/metrics", metrics.Registry).AddEndpointFilter(OnHttpPortOnly(ports));
        app.UseWebSockets();
        app.MapPanelBridge("/panel").AddEndpointFilter(OnHttpPortOnly(ports));
        app.MapPanelStatusPage("/", "qwenlayered serve").AddEndpointFilter(OnHttpPortOnly(ports));
        // Says which port is which: with port 0 configured, this is where a user (or a test) learns them.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            LogListening(app.Logger, certificate is null ? "without TLS (plain text)" : "with TLS", Address(app, ports.Grpc), Address(app, ports.Http));
            if (certificate is not null) LogCertificate(app.Logger, certificate.Subject, certificate.NotAfter.ToUniversalTime());
        });
        return app;
    }

    // Room above the largest message gRPC accepts (its 5-byte prefix and more) before Kestrel resets a request.
    private const long RequestBodyMargin = 1024 * 1024;

    // The port is known only once bound (a configured 0), so the connection's local port decides, not the Host header.
    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> OnHttpPortOnly(ServerPorts ports) =>
        (context, next) => context.HttpContext.Connection.LocalPort == ports.Http ? next(context) : ValueTask.FromResult<object?>(Results.NotFound());

    private static string Address(WebApplication app, int port) => app.Urls.First(url => new Uri(url).Port == port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening {Tls}: gRPC on {GrpcAddress}, the panel WebSocket, /healthz and /metrics on {HttpAddress}")]
    private static partial void LogListening(ILogger logger, string tls, string grpcAddress, string httpAddress);

    // The model loads for minutes once the server listens; a folder that is no model at all is refused before that.
    private static void CheckModelFolder(string folder)
    {
        try
        {
            ModelFolder.Open(folder);
        }
        catch (ModelFolderException error)
        {
            throw new ServerConfigurationException($"{error.Message} Give --model (Engine:Model) a diffusers-layout model folder, or --model \"\" to serve none.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TLS certificate: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogCertificate(ILogger logger, string subject, DateTime notAfter);
}
