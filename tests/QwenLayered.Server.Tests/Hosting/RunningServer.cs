using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>The real server (Kestrel on free loopback ports), as <c>qwenlayered serve</c> builds it, without a model.</summary>
public sealed class RunningServer : IAsyncLifetime
{
    /// <summary>More settings, for example API tokens; they win over the defaults below.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Command-line arguments, as <c>qwenlayered serve</c> passes on those it does not know itself.</summary>
    public string[] Arguments { get; init; } = [];

    private readonly TempResultsFolder _results = new();
    private WebApplication? _app;

    public int GrpcPort { get; private set; }
    public int HttpPort { get; private set; }
    public GrpcChannel Channel { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    /// <summary>The addresses Kestrel bound, as it logs them.</summary>
    public ICollection<string> Urls => _app!.Urls;

    public IServiceProvider Services => _app!.Services;

    /// <summary>What it logged, from its start on, as its console would show it.</summary>
    public ListLoggerProvider Log { get; } = new();

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Server:GrpcPort"] = "0",
            ["Server:HttpPort"] = "0",
            ["Engine:Device"] = "cpu",
            ["Limits:MaxLayers"] = "8",
            ["Jobs:ResultsFolder"] = _results.Path,
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        _app = ServerApp.Build(Arguments, settings);
        _app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Log);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var ports = _app.Services.GetRequiredService<ServerPorts>();
        (GrpcPort, HttpPort) = (ports.Grpc, ports.Http);
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Http.BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        _results.Dispose();
    }
}
