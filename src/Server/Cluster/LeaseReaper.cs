using Microsoft.Extensions.Options;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// On every server of a cluster, model or not: puts the jobs whose worker's lease ran out back in the queue (counted as
/// <c>requeued</c>), and keeps the queue length metric current. Any server may do it; the script does it once.
/// </summary>
public sealed class LeaseReaper(RedisJobStore store, IOptions<ClusterOptions> cluster, ServerMetrics metrics, ILogger<LeaseReaper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(cluster.Value.LeaseTime / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    foreach (string id in await store.RequeueExpiredAsync(stoppingToken))
                    {
                        metrics.Jobs.WithLabels("requeued").Inc();
                        ClusterLogMessages.Requeued(logger, id);
                    }
                    metrics.QueueLength.Set(await store.WaitingAsync(stoppingToken));
                }
                catch (Jobs.JobStoreUnavailableException)
                {
                    // The store logs the outage; the next tick tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
