using Microsoft.Extensions.Options;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Server.Hosting;

/// <summary>The decomposition policy this server applies now: the resident model's, under the configured limits, working area and step cache.</summary>
public sealed class ServedPolicy(Func<DecompositionPolicy> current)
{
    /// <summary>Configuration section of the limits; each key overrides one default of <see cref="DecompositionLimits"/>.</summary>
    public const string LimitsSection = "Limits";

    public ServedPolicy(ModelHost host, IOptions<DecompositionLimits> limits, IOptions<EngineOptions> engine)
        : this(() => host.Policy with
        {
            Limits = limits.Value, WorkingArea = engine.Value.WorkingArea, DefaultStepCacheThreshold = engine.Value.StepCacheThreshold,
        })
    {
    }

    public DecompositionPolicy Current => current();
}
