using QwenLayered.Engine.Runtime;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Runtime;

public class SeededRandomTests
{
    [Fact]
    public void Normal_IsTheCpuGeneratorsDrawInTheAskedDtype()
    {
        using var generator = new Generator(7);
        using var expectedGenerator = new Generator(7);

        using var values = SeededRandom.Normal([2, 3], generator, CPU, ScalarType.BFloat16);
        using var expected = randn([2, 3], dtype: ScalarType.BFloat16, generator: expectedGenerator);

        Assert.Equal(ScalarType.BFloat16, values.dtype);
        Assert.True(values.equal(expected).all().item<bool>());
    }

    [Fact]
    public void Uniform_IsTheCpuGeneratorsDrawInZeroToOne()
    {
        using var generator = new Generator(7);
        using var expectedGenerator = new Generator(7);

        using var values = SeededRandom.Uniform([1000], generator, CPU);
        using var expected = rand([1000], generator: expectedGenerator);

        Assert.True(values.equal(expected).all().item<bool>());
        Assert.True(values.min().item<float>() >= 0 && values.max().item<float>() < 1);
    }

    [Fact]
    public void FillNormal_WritesTheCpuGeneratorsDrawIntoTheTensor()
    {
        using var generator = new Generator(3);
        using var expectedGenerator = new Generator(3);
        using var tensor = zeros([4, 5], dtype: ScalarType.Float16);

        SeededRandom.FillNormal(tensor, 1, 0.5, generator);

        using var expected = empty([4, 5], dtype: ScalarType.Float16).normal_(1, 0.5, expectedGenerator);
        Assert.True(tensor.equal(expected).all().item<bool>());
    }

    [Fact]
    public void Normal_AfterADraw_ContinuesTheSequence()
    {
        using var generator = new Generator(11);

        using var first = SeededRandom.Normal([8], generator, CPU);
        using var second = SeededRandom.Normal([8], generator, CPU);

        Assert.False(first.equal(second).all().item<bool>());
    }
}
