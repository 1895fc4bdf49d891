using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QwenLayered.Server.Hosting;

/// <summary>Healthy once a model is resident and warmed up: gRPC health says SERVING and /healthz answers 200.</summary>
public sealed class ModelReadyHealthCheck(ModelHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Model is { } model
            ? HealthCheckResult.Healthy($"{model.Name} ({model.Dtype}) on {host.Device}")
            : HealthCheckResult.Unhealthy(host.Unavailability));
}
