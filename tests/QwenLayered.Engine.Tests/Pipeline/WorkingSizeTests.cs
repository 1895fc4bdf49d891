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
    public void For_ExtremelyWideImage_KeepsOnePatchOnTheShortSideAndThePixelBudget()
    {
        var size = WorkingSize.For(10000, 1, 640, 8);

        Assert.Equal((25600, 16), (size.Width, size.Height));
        Assert.Equal(640 * 640, size.Width * size.Height);
        Assert.Equal((60000, 6), (size.OutputWidth, size.OutputHeight));
    }

    [Theory]
    [InlineData(3000, 150, 256, 16, 280, 14)]
    [InlineData(150, 3000, 16, 256, 14, 280)]
    public void ForArea_AspectTooExtremeForTheReferenceRounding_DecomposesAtOnePatchOnTheShortSide(
        int w, int h, int width, int height, int outputWidth, int outputHeight)
    {
        // The reference's rounding gives 288x0 on a 64 px model: the short side rounds to nothing.
        var size = WorkingSize.ForArea(w, h, 64 * 64, 8);

        Assert.Equal((width, height, width / 8, height / 8), (size.Width, size.Height, size.LatentWidth, size.LatentHeight));
        Assert.Equal((outputWidth, outputHeight), (size.OutputWidth, size.OutputHeight));
    }

    [Theory]
    [InlineData(300, 170, 64, 96, 64, 104, 59)]
    [InlineData(1920, 1080, 640, 864, 480, 859, 483)]
    [InlineData(1000, 750, 640, 736, 544, 731, 548)]
    [InlineData(3000, 150, 64, 256, 16, 280, 14)]
    public void For_RoundingBendsTheAspectRatio_OutputHasTheInputsAspectAndAboutTheWorkingArea(
        int w, int h, int resolution, int width, int height, int outputWidth, int outputHeight)
    {
        var size = WorkingSize.For(w, h, resolution, 8, [resolution]);

        Assert.Equal((width, height), (size.Width, size.Height));
        Assert.Equal((outputWidth, outputHeight), (size.OutputWidth, size.OutputHeight));
        // The long side is within one pixel of the short side times the input's aspect ratio.
        Assert.InRange(Math.Abs((double)size.OutputWidth * h - (double)size.OutputHeight * w) / Math.Min(w, h), 0, 1);
        Assert.InRange((double)size.OutputWidth * size.OutputHeight / (width * height), 0.9, 1.1);
    }

    [Theory]
    [InlineData(640, 640, 640)]
    [InlineData(1024, 1024, 1024)]
    [InlineData(1536, 1024, 640)]
    public void For_WorkingSizeOfTheInputsAspect_ReturnsLayersAtTheWorkingSize(int w, int h, int resolution)
    {
        var size = WorkingSize.For(w, h, resolution, 8);

        Assert.Equal((size.Width, size.Height), (size.OutputWidth, size.OutputHeight));
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
    public void ForArea_AreaBelowOnePatch_WorksAtOnePatch()
    {
        // 32x32 px rounds to 32; a 32 px/latent VAE needs 64 px for one 2x2 patch, its smallest latent grid.
        var size = WorkingSize.ForArea(32, 32, 32 * 32, 32);

        Assert.Equal((64, 64, 2, 2), (size.Width, size.Height, size.LatentWidth, size.LatentHeight));
        Assert.Equal((64, 64), (size.OutputWidth, size.OutputHeight));
    }
}
