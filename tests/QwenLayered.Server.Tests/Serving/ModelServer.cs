using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>
/// The real server (Kestrel on loopback, the real engine) serving the tiny model at a 64x64 working size, with API
/// tokens for two artists and an admin, instance name gpu1, a small queue (and share of it per artist), and a results folder that outlives <see cref="RestartAsync"/>.
/// </summary>
public sealed class ModelServer(TinyModelFolder model) : IAsyncLifetime
{
    public const int QueueCapacity = 6, MaxQueuedPerArtist = 4;

    private readonly TempResultsFolder _results = new();
    private WebApplication? _app;

    public int GrpcPort { get; } = FreePort.Next();
    public int HttpPort { get; } = FreePort.Next();
    public GrpcChannel Channel { get; private set; } = null!;
    public Decomposer.DecomposerClient Client { get; private set; } = null!;
    public HttpClient Http { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await StartAsync();
        Http.BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}");
    }

    /// <summary>Stops the server as a shutdown would and starts a fresh one on the same ports and results folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var settings = new Dictionary<string, string?>(Artists.TokenSettings)
        {
            ["Server:GrpcPort"] = GrpcPort.ToString(),
            ["Server:HttpPort"] = HttpPort.ToString(),
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
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        Client = new Decomposer.DecomposerClient(Channel);
        await WaitUntilServingAsync();
    }

    private async Task WaitUntilServingAsync()
    {
        var health = new Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await health.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken)).Status
               != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The tiny model did not load within 60 s.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    private async Task StopAsync()
    {
        Channel?.Dispose();
        if (_app is null) return;
        // A graceful stop, as Ctrl+C gives: running jobs finish and are stored before the model is released.
        await _app.StopAsync(TestContext.Current.CancellationToken);
        await _app.DisposeAsync();
        _app = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Http.Dispose();
        _results.Dispose();
    }
}
