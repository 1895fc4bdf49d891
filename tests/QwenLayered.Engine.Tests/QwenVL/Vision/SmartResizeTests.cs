using QwenLayered.Engine.QwenVL.Vision;

namespace QwenLayered.Engine.Tests.QwenVL.Vision;

public class SmartResizeTests
{
    private const int Factor = 28;
    private const long MinPixels = 3136;
    private const long MaxPixels = 12_845_056;

    [Theory]
    [InlineData(640, 640, 644, 644)]
    [InlineData(480, 864, 476, 868)]
    public void Compute_SidesNotMultiplesOf28_RoundToTheNearestMultiple(int height, int width, int expectedHeight, int expectedWidth)
    {
        Assert.Equal((expectedHeight, expectedWidth), SmartResize.Compute(height, width, Factor, MinPixels, MaxPixels));
    }

    [Fact]
    public void Compute_SidesHalfwayBetweenMultiples_RoundHalfToEven()
    {
        // 42/28 = 1.5 → 2 and 70/28 = 2.5 → 2, as Python's round() does.
        Assert.Equal((56, 56), SmartResize.Compute(42, 70, Factor, MinPixels, MaxPixels));
    }

    [Theory]
    [InlineData(30, 40, 56, 84)]
    [InlineData(20, 20, 56, 56)]
    public void Compute_BelowMinPixels_ScalesUpToMultiplesWithinTheLimit(int height, int width, int expectedHeight, int expectedWidth)
    {
        var (h, w) = SmartResize.Compute(height, width, Factor, MinPixels, MaxPixels);

        Assert.Equal((expectedHeight, expectedWidth), (h, w));
        Assert.True((long)h * w >= MinPixels);
    }

    [Fact]
    public void Compute_AboveMaxPixels_ScalesDownToMultiplesWithinTheLimit()
    {
        var (h, w) = SmartResize.Compute(4000, 5000, Factor, MinPixels, MaxPixels);

        Assert.Equal((3192, 4004), (h, w));
        Assert.True((long)h * w <= MaxPixels);
    }

    [Fact]
    public void Compute_MoreElongatedThan200To1_Throws()
    {
        Assert.Throws<ArgumentException>(() => SmartResize.Compute(10, 2010, Factor, MinPixels, MaxPixels));
    }
}
