using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Cli;

/// <summary><c>--step-cache THRESHOLD</c>, shared by the verbs that sample: the step cache's threshold, 0 (off) by default.</summary>
internal static class StepCacheOption
{
    public static Option<float> Create()
    {
        var option = new Option<float>("--step-cache")
        {
            Description = "Step cache threshold: after the first steps, a step whose first transformer block barely changed (relative L1 " +
                          "change below this, e.g. 0.1) reuses the other blocks' last result instead of running them. 0 (the default) runs every block.",
            DefaultValueFactory = _ => 0f,
        };
        option.Require(DecompositionPolicy.IsStepCacheThreshold, "--step-cache must be 0 (off) or a relative change such as 0.1.");
        return option;
    }

    /// <summary>The line that says how much the cache skipped.</summary>
    public static string Report(int cachedSteps, int steps) =>
        $"Step cache: {cachedSteps} of {steps} sampling steps skipped the transformer blocks after the first.";
}
