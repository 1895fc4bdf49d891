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
        var size = WorkingSize.For(w, h, resolution, 8);

        Assert.Equal((width, height), (size.Width, size.Height));
        Assert.Equal((width / 8, height / 8), (size.LatentWidth, size.LatentHeight));
        Assert.Equal(tokens, size.TokensPerFrame);
    }

    [Fact]
    public void For_UnsupportedResolution_SaysWhichAreSupported()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(100, 100, 512, 8));
        Assert.Contains("use 640 or 1024", error.Message);
    }

    [Fact]
    public void For_ResolutionsOfAModel_AcceptsOnlyThoseAndNamesThem()
    {
        var size = WorkingSize.For(100, 100, 128, 8, [128]);
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(100, 100, 640, 8, [128]));

        Assert.Equal((128, 128), (size.Width, size.Height));
        Assert.Contains("use 128", error.Message);
    }

    [Fact]
    public void For_ExtremelyNarrowImage_AsksToCrop()
    {
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.For(10000, 1, 640, 8));
        Assert.Contains("too narrow", error.Message);
    }

    [Fact]
    public void ForArea_ImageOfThatArea_KeepsItsSize()
    {
        var size = WorkingSize.ForArea(96, 64, 96 * 64, 8);

        Assert.Equal((96, 64, 12, 8), (size.Width, size.Height, size.LatentWidth, size.LatentHeight));
    }

    [Theory]
    [InlineData(4, 64, 64, 16, 16, 64)]
    [InlineData(4, 96, 64, 24, 16, 96)]
    [InlineData(8, 96, 64, 12, 8, 24)]
    [InlineData(16, 96, 64, 6, 4, 6)]
    public void ForArea_VaeScaleFactor_SetsTheLatentGridAndTokens(int scale, int width, int height, int latentWidth, int latentHeight, int tokens)
    {
        var size = WorkingSize.ForArea(width, height, width * height, scale);

        Assert.Equal((width, height, latentWidth, latentHeight), (size.Width, size.Height, size.LatentWidth, size.LatentHeight));
        Assert.Equal(scale, size.VaeScaleFactor);
        Assert.Equal(tokens, size.TokensPerFrame);
    }

    [Fact]
    public void ForArea_AreaBelowOnePatch_IsRefused()
    {
        // 32x32 px rounds to 32; a 32 px/latent VAE needs 64 px for one 2x2 patch, so nothing is left.
        var error = Assert.Throws<ArgumentException>(() => WorkingSize.ForArea(32, 32, 32 * 32, 32));
        Assert.Contains("too narrow", error.Message);
    }
}
