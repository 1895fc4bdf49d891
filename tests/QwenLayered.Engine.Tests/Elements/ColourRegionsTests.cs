using QwenLayered.Engine.Elements;

namespace QwenLayered.Engine.Tests.Elements;

public class ColourRegionsTests
{
    [Fact]
    public void Count_OneColour_IsOne() => Assert.Equal(1, ColourRegions.Count(TestImages.Flat(40, 10, 120, 60)));

    [Fact]
    public void Count_SmoothGradient_IsOneRegion() =>
        Assert.Equal(1, ColourRegions.Count(TestImages.Painted(128, (x, y) => ((byte)(x * 2), (byte)(255 - y), 90))));

    [Fact]
    public void Count_TwoSquaresOnABackground_IsThree() => Assert.Equal(3, ColourRegions.Count(TestImages.TwoSquares(96)));

    [Fact]
    public void Count_StripesOfTwoColours_CountsEachColourOnce() =>
        Assert.Equal(2, ColourRegions.Count(TestImages.Painted(64, (x, _) => x / 8 % 2 == 0 ? ((byte)250, (byte)250, (byte)250) : ((byte)10, (byte)10, (byte)10))));

    [Fact]
    public void Count_SpeckTooSmall_IsNotCounted() =>
        Assert.Equal(1, ColourRegions.Count(TestImages.Painted(200, (x, y) => x < 4 && y < 4 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)0))));
}
