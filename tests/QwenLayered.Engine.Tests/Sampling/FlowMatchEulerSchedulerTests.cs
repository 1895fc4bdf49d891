using QwenLayered.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Sampling;

public class FlowMatchEulerSchedulerTests
{
    private static readonly SchedulerConfig Layered = SchedulerConfig.QwenImageLayered;

    [Theory]
    [InlineData(1600, 2.5f)]
    [InlineData(4096, 4.0f)]
    [InlineData(1620, 2.515576f)]
    public void Mu_ConditionTokens_IsSquareRootOverBaseTokens(int tokens, float expected)
    {
        Assert.Equal(expected, FlowMatchEulerScheduler.Mu(tokens), 5);
    }

    [Fact]
    public void Create_640Bucket50Steps_MatchesTheReferenceSigmas()
    {
        var scheduler = FlowMatchEulerScheduler.Create(Layered, 50, 2.5f);

        float[] head = [1.0f, 0.991903f, 0.983607f, 0.975104f, 0.966387f];
        float[] tail = [0.137615f, 0.094340f, 0.048544f];
        Assert.Equal(51, scheduler.Sigmas.Length);
        for (int i = 0; i < head.Length; i++) Assert.Equal(head[i], scheduler.Sigmas[i], 5);
        for (int i = 0; i < tail.Length; i++) Assert.Equal(tail[i], scheduler.Sigmas[47 + i], 5);
        Assert.Equal(0f, scheduler.Sigmas[50]);
    }

    [Fact]
    public void Create_1024Bucket_TimestepsAreSigmasTimesOneThousand()
    {
        var scheduler = FlowMatchEulerScheduler.Create(Layered, 50, 4.0f);

        Assert.Equal(0.994924f, scheduler.Sigmas[1], 5);
        Assert.Equal(0.075472f, scheduler.Sigmas[49], 5);
        for (int i = 0; i < 50; i++) Assert.Equal(scheduler.Sigmas[i] * 1000f, scheduler.Timesteps[i]);
    }

    [Fact]
    public void Create_StaticShiftOfOne_KeepsTheLinearGrid()
    {
        var scheduler = FlowMatchEulerScheduler.Create(new SchedulerConfig { UseDynamicShifting = false, Shift = 1.0 }, 4, mu: 0f);

        Assert.Equal([1f, 0.75f, 0.5f, 0.25f, 0f], scheduler.Sigmas);
    }

    [Fact]
    public void Create_StaticShiftOfThree_MovesTheGridTowardsHighNoiseWhateverMu()
    {
        var scheduler = FlowMatchEulerScheduler.Create(new SchedulerConfig { Shift = 3.0 }, 2, mu: 0.25f);

        Assert.Equal([1f, 0.75f, 0f], scheduler.Sigmas);
    }

    [Theory]
    [InlineData(false, "linear", 3.0f)]
    [InlineData(true, "linear", 0.5f)]
    [InlineData(true, "exponential", 1.6487213f)]
    public void ShiftScale_FixedShiftMuOrExpMu(bool dynamic, string timeShiftType, float expected)
    {
        var config = new SchedulerConfig { UseDynamicShifting = dynamic, TimeShiftType = timeShiftType, Shift = 3.0 };

        Assert.Equal(expected, FlowMatchEulerScheduler.ShiftScale(config, mu: 0.5f), 6);
    }

    [Fact]
    public void Create_UnsupportedOption_NamesIt()
    {
        var config = new SchedulerConfig { UseDynamicShifting = true, TimeShiftType = "linear", UseKarrasSigmas = true };

        var error = Assert.Throws<InvalidDataException>(() => FlowMatchEulerScheduler.Create(config, 10, 2.5f));
        Assert.Contains("use_karras_sigmas", error.Message);
    }

    [Fact]
    public void Step_MovesAlongTheVelocityBySigmaDifference()
    {
        var scheduler = FlowMatchEulerScheduler.Create(Layered, 2, 1.0f); // μ = 1: sigmas 1, 0.5, 0
        using var sample = full(new long[] { 1, 3 }, 2.0f);
        using var velocity = tensor(new float[] { 1, -2, 4 }).reshape(1, 3);

        using var next = scheduler.Step(velocity, 0, sample);

        Assert.Equal([1.5f, 3f, 0f], next.data<float>().ToArray());
    }

    [Fact]
    public void Step_Bfloat16Output_ReturnsBfloat16()
    {
        var scheduler = FlowMatchEulerScheduler.Create(Layered, 2, 1.0f);
        using var sample = ones(2, 2, dtype: ScalarType.BFloat16);
        using var velocity = ones(2, 2, dtype: ScalarType.BFloat16);

        using var next = scheduler.Step(velocity, 1, sample);

        Assert.Equal(ScalarType.BFloat16, next.dtype);
        Assert.Equal(0.5f, next.to(ScalarType.Float32)[0, 0].item<float>());
    }
}
