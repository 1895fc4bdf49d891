using QwenLayered.Toolbox.Training;

namespace QwenLayered.Toolbox.Tests.Training;

public class TrainingOptionsTests
{
    private static TrainingOptions Options(int steps, int decaySteps) => new()
    {
        Stage = TrainingStage.Transformer, InitFolder = "init", OutputFolder = "out", Steps = steps, DecaySteps = decaySteps, LearningRate = 1e-3,
    };

    [Fact]
    public void LearningRateAt_NoDecay_ConstantToTheLastStep()
    {
        var options = Options(steps: 10, decaySteps: 0);

        Assert.All(Enumerable.Range(1, 10), step => Assert.Equal(1e-3, options.LearningRateAt(step)));
    }

    [Fact]
    public void LearningRateAt_Decay_ConstantThenFallsLinearlyOverTheLastSteps()
    {
        var options = Options(steps: 10, decaySteps: 4);

        var rates = Enumerable.Range(1, 10).Select(options.LearningRateAt).ToList();

        Assert.All(rates.Take(6), rate => Assert.Equal(1e-3, rate));
        Assert.Equal([0.8e-3, 0.6e-3, 0.4e-3, 0.2e-3], rates.Skip(6), (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void LearningRateAt_DecayLongerThanTheRun_DecaysOverTheWholeRun()
    {
        var longer = Options(steps: 4, decaySteps: 100);
        var whole = Options(steps: 4, decaySteps: 4);

        Assert.Equal(Enumerable.Range(1, 4).Select(whole.LearningRateAt), Enumerable.Range(1, 4).Select(longer.LearningRateAt));
    }
}
