using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Tests.Hosting;

public class ServedPolicyTests
{
    [Fact]
    public void Current_ConfiguredStepCacheThreshold_IsEveryRequestsDefault()
    {
        var engine = Options.Create(new EngineOptions { StepCacheThreshold = 0.2f });
        using var host = new ModelHost(engine, NullLogger<ModelHost>.Instance);

        var policy = new ServedPolicy(host, Options.Create(new DecompositionLimits()), engine).Current;

        Assert.Equal(0.2f, policy.DefaultStepCacheThreshold);
    }
}
