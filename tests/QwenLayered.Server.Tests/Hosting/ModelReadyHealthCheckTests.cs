using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

public class ModelReadyHealthCheckTests
{
    [Fact]
    public async Task CheckHealth_WhileTheModelLoads_IsUnhealthyAndSaysItIsLoading()
    {
        using var host = new ModelHost(Options.Create(new EngineOptions { Model = "/models/any", Device = "cpu" }), NullLogger<ModelHost>.Instance);

        var result = await new ModelReadyHealthCheck(host).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("The model is still loading; try again in a minute.", result.Description);
    }

    [Fact]
    public async Task CheckHealth_AfterTheModelFailedToLoad_SaysWhy()
    {
        using var host = new ModelHost(Options.Create(new EngineOptions { Model = "/models/any", Device = "cpu" }), NullLogger<ModelHost>.Instance);
        host.LoadFailed(new IOException("disk gone"));

        var result = await new ModelReadyHealthCheck(host).CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("The model failed to load (disk gone)", result.Description);
    }
}
