using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Transformer;

public class StepCacheTests
{
    private static Tensor Filled(float value) => full(2, 3, value);

    // One transformer call: the first block turns an image stream of zeros into firstOutput (so that is its residual);
    // the last block, if it runs, gives lastOutput. Returns the reused stream's value, or null when the blocks ran.
    private static float? Call(StepCache cache, float firstOutput, float lastOutput)
    {
        using var scope = NewDisposeScope();
        var reused = cache.AfterFirstBlock(Filled(0f), Filled(firstOutput));
        if (reused is not null) return reused.mean().item<float>();
        cache.AfterLastBlock(Filled(lastOutput));
        return null;
    }

    private static float? Step(StepCache cache, float firstOutput, float lastOutput)
    {
        cache.NextStep();
        return Call(cache, firstOutput, lastOutput);
    }

    [Fact]
    public void AfterFirstBlock_ResidualWithinTheThreshold_ReturnsTheFirstOutputPlusTheCachedRemainder()
    {
        using var cache = new StepCache(0.1f, fullSteps: 1);

        Assert.Null(Step(cache, 1f, 3f));
        var reused = Step(cache, 1.05f, 99f);

        Assert.Equal(3.05f, reused!.Value, 1e-5f);
        Assert.Equal((2, 1), (cache.Steps, cache.CachedSteps));
    }

    [Fact]
    public void AfterFirstBlock_ResidualBeyondTheThreshold_RunsTheRemainingBlocks()
    {
        using var cache = new StepCache(0.1f, fullSteps: 1);

        Step(cache, 1f, 3f);

        Assert.Null(Step(cache, 1.2f, 4f));
        Assert.Equal(0, cache.CachedSteps);
    }

    [Fact]
    public void AfterFirstBlock_FirstSteps_RunEveryBlockWhateverTheThreshold()
    {
        using var cache = new StepCache(1e6f, fullSteps: 2);

        Assert.Null(Step(cache, 1f, 3f));
        Assert.Null(Step(cache, 1f, 3f));
        Assert.NotNull(Step(cache, 1f, 3f));
    }

    [Fact]
    public void AfterFirstBlock_ComparesWithTheLastFullStep_NotThePreviousStep()
    {
        using var cache = new StepCache(0.1f, fullSteps: 1);
        Step(cache, 1f, 3f);
        Assert.NotNull(Step(cache, 1.06f, 0f));

        // 0.057 from the step before, but 0.12 from the last full one.
        Assert.Null(Step(cache, 1.12f, 5f));
        // The remainder is now the one of that step: 5 - 1.12.
        Assert.Equal(1.13f + 3.88f, Step(cache, 1.13f, 0f)!.Value, 1e-5f);
    }

    [Fact]
    public void AfterFirstBlock_LaterCallsOfAStep_FollowTheFirstCallsDecision()
    {
        using var cache = new StepCache(0.1f, fullSteps: 1);
        cache.NextStep();
        Call(cache, 1f, 3f);
        Call(cache, 10f, 20f);

        cache.NextStep();
        var first = Call(cache, 1f, 0f);
        var second = Call(cache, 50f, 0f);
        cache.NextStep();
        var firstChanged = Call(cache, 2f, 4f);
        var secondUnchanged = Call(cache, 10f, 30f);

        // Each call adds its own remainder: 3 - 1 and 20 - 10.
        Assert.Equal((3f, 60f), (first!.Value, second!.Value));
        Assert.Equal((null, null), (firstChanged, secondUnchanged));
        Assert.Equal(1, cache.CachedSteps);
    }

    [Fact]
    public void AfterFirstBlock_BeforeAnyStep_SaysToStartOne()
    {
        using var cache = new StepCache(0.1f, fullSteps: 1);

        var error = Assert.Throws<InvalidOperationException>(() => Call(cache, 1f, 3f));

        Assert.Contains("NextStep", error.Message);
    }
}
