using QwenLayered.Toolbox.Training;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Tests.Training;

public class NoiseLevelsTests
{
    private static float[] Draw(NoiseLevels levels, float schedulerShift, params float[] uniform)
    {
        using var u = tensor(uniform);
        using var sigma = levels.Draw(u, schedulerShift);
        return sigma.data<float>().ToArray();
    }

    [Fact]
    public void Draw_Default_ShiftsLikeTheScheduler()
    {
        // shift(u) = S·u / (1 + (S − 1)·u): with S = 3, u = 0.5 → 0.75 and u = 0.25 → 0.5.
        Assert.Equal([0f, 0.5f, 0.75f], Draw(new NoiseLevels(), 3f, 0f, 0.25f, 0.5f), (a, b) => Math.Abs(a - b) < 1e-6);
    }

    [Fact]
    public void Draw_GivenShift_OverridesTheScheduler()
    {
        Assert.Equal(Draw(new NoiseLevels(), 3f, 0.2f, 0.6f), Draw(new NoiseLevels(Shift: 3f), 0.25f, 0.2f, 0.6f));
        Assert.Equal([0.2f, 0.6f], Draw(new NoiseLevels(Shift: 1f), 0.25f, 0.2f, 0.6f));
    }

    [Fact]
    public void Draw_Min_MapsTheLevelsIntoMinToOne()
    {
        var sigma = Draw(new NoiseLevels(Shift: 1f, Min: 0.8f), 0.25f, 0f, 0.5f, 0.999f);

        Assert.Equal([0.8f, 0.9f, 0.9998f], sigma, (a, b) => Math.Abs(a - b) < 1e-5);
    }
}
