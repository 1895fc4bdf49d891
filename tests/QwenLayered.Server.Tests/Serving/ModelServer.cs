using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Tests.Services;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>
/// The real server (Kestrel on free loopback ports, the real engine) serving the tiny model at a 64x64 working size, with
/// API tokens for two artists and an admin, instance name gpu1, a small queue (and share of it per artist), and a
/// results folder that outlives <see cref="RestartAsync"/>.
/// </summary>
public sealed class ModelServer(TinyModelFolder model) : IAsyncLifetime
{
    public const int QueueCapacity = 8, MaxQueuedPerArtist = 4;

    private readonly TempResultsFolder _results = new();
    private WebApplication? _app;

    public int GrpcPort { get; private set; }
    public GrpcChannel Channel { get; private set; } = null!;
    public Decomposer.DecomposerClient Client { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Its Decomposer service, called straight rather than over <see cref="Client"/>.</summary>
    public DirectDecomposer Decomposer => new(_app!.Services);

    public async ValueTask InitializeAsync() => await StartAsync();

    /// <summary>Stops the server as a shutdown would and starts a fresh one (on new ports) with the same results folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var settings = new Dictionary<string, string?>(Artists.TokenSettings)
        {
            ["Server:GrpcPort"] = "0",
            ["Server:HttpPort"] = "0",
            ["Server:InstanceName"] = "gpu1",
            ["Engine:Model"] = model.Path,
            ["Engine:Device"] = "cpu",
            ["Engine:Dtype"] = "fp32",
            ["Engine:WorkingArea"] = (64 * 64).ToString(),
            ["Limits:MaxSteps"] = "1000",
            ["Jobs:QueueCapacity"] = QueueCapacity.ToString(),
            ["Jobs:MaxQueuedPerArtist"] = MaxQueuedPerArtist.ToString(),
            ["Jobs:ResultsFolder"] = _results.Path,
            ["Jobs:ShutdownDrainTimeout"] = "00:00:05",
        };
        _app = ServerApp.Build([], settings);
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var ports = _app.Services.GetRequiredService<ServerPorts>();
        GrpcPort = ports.Grpc;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}");
        Client = new Decomposer.DecomposerClient(Channel);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}") };
        // The model loads in the background once the server listens; a failed load faults this with its error.
        await _app.Services.GetRequiredService<ModelHost>().Ready.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
    }

    private async Task StopAsync()
    {
        Channel?.Dispose();
        Http?.Dispose();
        if (_app is null) return;
        // A graceful stop, as Ctrl+C gives: running jobs finish and are stored before the model is released.
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _results.Dispose();
    }
}
