using Microsoft.Extensions.Options;
using QwenLayered.Engine.Memory;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// Loads the configured model onto every device and warms it up, in the background, once the server listens: a server
/// that cannot start (its port taken) ends at once, with no half-loaded model on another thread.
/// </summary>
public sealed partial class ModelLoader(ModelHost host, IOptions<EngineOptions> options, ServerMetrics metrics,
    IHostApplicationLifetime lifetime, ILogger<ModelLoader> logger) : EngineBackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.HasModel)
        {
            LogNoModel(logger);
            return;
        }
        if (!await StartedAsync(stoppingToken)) return;
        var engine = options.Value;
        // Loading is minutes of blocking file and device work: a thread of its own, not a request or pool thread.
        await Task.Factory.StartNew(() =>
        {
            List<ResidentModel> models = [];
            try
            {
                foreach (var device in host.Devices)
                {
                    stoppingToken.ThrowIfCancellationRequested();
                    var started = System.Diagnostics.Stopwatch.StartNew();
                    var model = ResidentModel.Load(engine.Model, engine.Dtype, device, engine.TextEncoder, MemoryModes.Parse(engine.Memory));
                    models.Add(model);
                    model.WarmUp(engine.WorkingArea);
                    LogLoaded(logger, model.Name, model.Dtype, model.Device, model.WeightBytes, started.Elapsed.TotalSeconds);
                }
                metrics.ModelMemoryBytes.Set(models.Sum(m => m.WeightBytes));
                host.Loaded(models);
            }
            catch (Exception error)
            {
                foreach (var model in models) model.Dispose();
                LogFailed(logger, engine.Model, error);
                host.LoadFailed(error);
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    // True once the host has started every service, Kestrel included; false when it stops (or never starts) first.
    private async Task<bool> StartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult(true)))
        using (stoppingToken.Register(() => started.TrySetResult(false)))
            return await started.Task;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model} ({Dtype}) resident on {Device}: {WeightBytes} bytes of weights, loaded and warmed up in {Seconds:F1} s")]
    private static partial void LogLoaded(ILogger logger, string model, string dtype, string device, long weightBytes, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No model configured: health stays NOT_SERVING and Decompose answers UNAVAILABLE. Start with --model <folder> (a diffusers-layout Qwen-Image-Layered folder)")]
    private static partial void LogNoModel(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Model {Folder} could not be loaded; the server stays NOT_SERVING")]
    private static partial void LogFailed(ILogger logger, string folder, Exception error);
}
