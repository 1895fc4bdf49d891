using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using QwenLayered.Bridge;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Hosting;

/// <summary>Builds the web application that <c>qwenlayered serve</c> runs: gRPC on one port, HTTP/1.1 on another.</summary>
public static class ServerApp
{
    /// <param name="args">Command-line configuration, for example <c>--Limits:MaxLayers=8</c>.</param>
    /// <param name="overrides">Settings that win over every other source (the serve command's own flags).</param>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json sits beside the executable, wherever the server is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);

        var server = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        builder.Services.Configure<EngineOptions>(builder.Configuration.GetSection(EngineOptions.Section));
        builder.Services.Configure<LimitsOptions>(builder.Configuration.GetSection(LimitsOptions.Section));

        var address = ParseHost(server.Host);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, server.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(address, server.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
        });

        builder.Services.AddGrpc(grpc =>
        {
            // An input image plus the request's other fields.
            grpc.MaxReceiveMessageSize = checked((int)limits.MaxImageBytes + 64 * 1024);
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks().AddCheck<ModelReadyHealthCheck>("model");
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddSingleton<DecomposeRequestValidator>();
        builder.Services.AddPanelBridge(panel =>
        {
            builder.Configuration.GetSection(PanelBridgeOptions.Section).Bind(panel);
            // The in-process panel bridge is a gRPC client of this very server, over loopback.
            var grpcHost = address.Equals(IPAddress.Any) ? IPAddress.Loopback : address;
            panel.Server = new UriBuilder("http", grpcHost.ToString(), server.GrpcPort).Uri;
        });

        var app = builder.Build();
        // Resolve the engine state now, so the device is chosen and logged at startup, not on the first call.
        app.Services.GetRequiredService<ModelHost>();

        app.MapGrpcService<DecomposerService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        app.MapHealthChecks("/healthz");
        app.UseWebSockets();
        app.MapPanelBridge("/panel").RequireHost($"*:{server.HttpPort}");
        return app;
    }

    private static IPAddress ParseHost(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"Server:Host '{host}' is not an IP address. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
}
