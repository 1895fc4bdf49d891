using QwenLayered.Engine.Memory;

namespace QwenLayered.Engine.Tests.Memory;

// How close the fit comes to measured peaks is a benchmark (`qwenlayered plan --check`, docs/benchmarks.md, "Memory modes
// and the memory plan"): the process's resident size, which measures them, moves with the runtime's own heap and threads.
public class ActivationFitTests
{
    [Fact]
    public void LeastSquares_PointsOnTheModel_RecoversIt()
    {
        // peak / unit = 16 + 0.0002 · tokens
        var points = new[] { 352, 1792, 6400 }.Select(tokens => (Unit: 1000.0 * tokens, Tokens: tokens, Peak: (long)(1000.0 * tokens * (16 + 0.0002 * tokens)))).ToList();

        var fit = ActivationFit.LeastSquares(points);

        Assert.Equal(16, fit.BytesPerUnit, 3);
        Assert.Equal(0.0002, fit.BytesPerUnitToken, 6);
    }

    [Fact]
    public void LeastSquares_OnePointFarOff_WeighsEveryPointByItsRelativeError()
    {
        // The largest shape 10% high moves the small shapes' figures far less than a plain least squares would.
        var points = new[] { 352, 1792, 6400 }.Select(tokens => (Unit: 1000.0 * tokens, Tokens: tokens, Peak: (long)(1000.0 * tokens * 16 * (tokens == 6400 ? 1.1 : 1)))).ToList();

        var fit = ActivationFit.LeastSquares(points);

        Assert.InRange(fit.Bytes(1, 352, 1000, TorchSharp.torch.ScalarType.Float32) / (4.0 * 1000 * 352 * 16), 0.97, 1.03);
    }

    [Fact]
    public void Bytes_GrowsWithTheTokensFasterThanLinearly()
    {
        var fit = new ActivationFit(BytesPerUnit: 16, BytesPerUnitToken: 0.0002);

        Assert.Equal(2L * 1000 * 128 * 2 * (16 + 0.0002 * 1000), fit.Bytes(2, 1000, 128, TorchSharp.torch.ScalarType.BFloat16));
        Assert.True(fit.Bytes(1, 4000, 128, TorchSharp.torch.ScalarType.Float32) > 4 * fit.Bytes(1, 1000, 128, TorchSharp.torch.ScalarType.Float32));
    }
}
