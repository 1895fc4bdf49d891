using QwenLayered.Engine.Memory;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Memory;

// The process's peak resident size measures these forwards: nothing else may run meanwhile.
[CollectionDefinition(nameof(ActivationFitTests), DisableParallelization = true)]
public sealed class ActivationMeasurements;

[Collection(nameof(ActivationFitTests))]
public class ActivationFitTests
{
    [Theory]
    [InlineData(3, 20, 5, 48)]
    [InlineData(2, 24, 6, 32)]
    [InlineData(4, 20, 5, 32)]
    public void Bytes_ShapesNotFitted_WithinAQuarterOfTheMeasuredPeak(int heads, int side, int frames, int textTokens)
    {
        Assert.SkipUnless(ActivationPeak.Available, "peaks are measured on Linux with glibc");
        var fit = ActivationFit.OnThisMachine!;

        var (_, measured) = ActivationFit.MeasureAt(heads, side, frames, textTokens);
        long planned = fit.Bytes(2, frames * side * side + textTokens, heads * 32, ScalarType.Float32);

        // The process's resident size also moves with the runtime's own heap and threads: one test run has measured
        // 10–20% either side of the fit. A fit that missed the shapes' scaling would be off by multiples.
        Assert.True(Math.Abs(planned - measured) <= 0.25 * measured, $"planned {planned} bytes, measured {measured}");
    }

    [Fact]
    public void LeastSquares_PointsOnALine_RecoversIt()
    {
        var fit = ActivationFit.LeastSquares([(1000, 20_500), (2000, 38_500), (4000, 74_500)]);

        Assert.Equal(18, fit.BytesPerUnit, 6);
        Assert.Equal(2500, fit.Intercept, 3);
    }
}
