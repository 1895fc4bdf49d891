using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class WorkingSizeTests
{
    [Theory]
    [InlineData(640, 640, 640, 640, 640, 1600)]
    [InlineData(1024, 1024, 1024, 1024, 1024, 4096)]
    [InlineData(1920, 1080, 640, 864, 480, 1620)]
    [InlineData(720, 1280, 640, 480, 864, 1620)]
    [InlineData(1920, 1080, 1024, 1376, 768, 4128)]
    [InlineData(1000, 750, 640, 736, 544, 1564)]
    public void For_InputAndBucket_GivesTheReferenceSizeAndTokens(int w, int h, int resolution, int width, int height, int tokens)
    {
        var size = WorkingSize.For(w, h, resolution);

        Assert.Equal((width, height), (size.Width, size.Height));
        Assert.Equal((width / 8, height / 8), (size.LatentWidth, size.LatentHeight));
        Assert.Equal(tokens, size.TokensPerFrame);
    }

    [Fact]
    public void For_UnsupportedResolution_SaysWhichAreSupported()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(100, 100, 512));
        Assert.Contains("use 640 or 1024", error.Message);
    }

    [Fact]
    public void For_ResolutionsOfAModel_AcceptsOnlyThoseAndNamesThem()
    {
        var size = WorkingSize.For(100, 100, 128, [128]);
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(100, 100, 640, [128]));

        Assert.Equal((128, 128), (size.Width, size.Height));
        Assert.Contains("use 128", error.Message);
    }

    [Fact]
    public void For_ExtremelyNarrowImage_AsksToCrop()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(10000, 1, 640));
        Assert.Contains("too narrow", error.Message);
    }

    [Fact]
    public void ForArea_ImageOfThatArea_KeepsItsSize()
    {
        var size = WorkingSize.ForArea(96, 64, 96 * 64);

        Assert.Equal((96, 64, 12, 8), (size.Width, size.Height, size.LatentWidth, size.LatentHeight));
    }
}
