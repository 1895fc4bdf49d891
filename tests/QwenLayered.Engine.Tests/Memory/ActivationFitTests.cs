using QwenLayered.Engine.Memory;

namespace QwenLayered.Engine.Tests.Memory;

// How close the fit comes to measured peaks is a benchmark (docs/benchmarks.md, "Memory modes and the memory plan"):
// the process's resident size, which measures them, moves with the runtime's own heap and threads from run to run.
public class ActivationFitTests
{
    [Fact]
    public void LeastSquares_PointsOnALine_RecoversIt()
    {
        var fit = ActivationFit.LeastSquares([(1000, 20_500), (2000, 38_500), (4000, 74_500)]);

        Assert.Equal(18, fit.BytesPerUnit, 6);
        Assert.Equal(2500, fit.Intercept, 3);
    }
}
