using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QwenLayered.Server.Cluster;

/// <summary>Healthy while the shared job store is connected, so a load balancer sends nothing to a server cut off from it.</summary>
public sealed class RedisHealthCheck(RedisJobStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsConnected
            ? HealthCheckResult.Healthy($"Redis at {store.Address}")
            : HealthCheckResult.Unhealthy($"The shared job store (Redis at {store.Address}) cannot be reached."));
}
