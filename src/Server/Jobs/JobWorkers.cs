using Microsoft.Extensions.Options;
using QwenLayered.Engine.Runtime;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// One worker per resident model (per device), each taking the next job in fair order and running it. As soon as
/// shutdown begins (before Kestrel waits for open streams) the queue stops accepting and is emptied, and running jobs
/// get the drain timeout to finish before they are cancelled.
/// </summary>
public sealed class JobWorkers(
    ModelHost host, IJobScheduler scheduler, DecompositionRunner runner, IOptions<JobsOptions> options, IHostApplicationLifetime lifetime)
    : EngineBackgroundService
{
    private const string ShutdownReason = "The server is shutting down; submit the job again when it is back.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.HasModel) return;
        IReadOnlyList<ResidentModel> models;
        try
        {
            models = await host.Ready.WaitAsync(stoppingToken);
        }
        catch (Exception)
        {
            // Stopping, or the model failed to load: ModelLoader has logged why, and Decompose answers UNAVAILABLE.
            return;
        }
        using var stopping = lifetime.ApplicationStopping.Register(() => scheduler.StopAccepting(ShutdownReason));
        await Task.WhenAll(models.Select(model => WorkAsync(model, stoppingToken)));
    }

    private async Task WorkAsync(ResidentModel model, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Job job;
            try
            {
                job = await scheduler.NextAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            using (lifetime.ApplicationStopping.Register(() => job.Cancel(ShutdownReason, options.Value.ShutdownDrainTimeout)))
            {
                // The engine blocks for the whole job: a thread of its own rather than a pool thread.
                await Task.Factory.StartNew(() => runner.Run(job, model), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            // What the job's tensors used goes back to the system rather than stay with an idle server.
            GlibcMalloc.ReleaseFreeMemory();
            await scheduler.FinishedAsync(job);
        }
    }
}
