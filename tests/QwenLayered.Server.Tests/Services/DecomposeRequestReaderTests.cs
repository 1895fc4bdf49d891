using Google.Protobuf;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Services;
using SixLabors.ImageSharp.Formats.Png;

namespace QwenLayered.Server.Tests.Services;

public class DecomposeRequestReaderTests
{
    private static readonly DecomposeRequestReader Reader = new(Options.Create(new LimitsOptions()), Options.Create(new EngineOptions()));

    [Fact]
    public void Read_CmykJpeg_IsConvertedToOpaqueRgba()
    {
        var spec = Reader.Read(new DecomposeRequest { Image = ByteString.CopyFrom(HandmadeImages.CmykJpeg()) });

        Assert.Equal((8, 8), (spec.Image.Width, spec.Image.Height));
        Assert.All(spec.Image.Pixels.Where((_, i) => i % 4 == 3), alpha => Assert.Equal(255, alpha));
    }

    [Fact]
    public void Read_SixteenBitPng_IsConvertedAndRemembersItsDepth()
    {
        var spec = Reader.Read(new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.Png(16, 16, PngColorType.RgbWithAlpha, PngBitDepth.Bit16)) });

        Assert.Equal(16, spec.Image.SourceBitsPerChannel);
        Assert.Equal(16 * 16 * 4, spec.Image.Pixels.Length);
    }

    [Fact]
    public void Read_UnsetFields_GetTheServerDefaultsAndTheRecommendedNegativePrompt()
    {
        var spec = Reader.Read(new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Seed = 9 });

        Assert.Equal((4, 50, 4.0f, 9ul, 0), (spec.Settings.Layers, spec.Settings.Steps, spec.Settings.GuidanceScale, spec.Settings.Seed, spec.Settings.PreviewEverySteps));
        Assert.Equal(" ", spec.NegativePrompt);
        Assert.Equal((640, 640), (spec.Size.Width, spec.Size.Height));
    }

    [Fact]
    public void Read_EmptyNegativePrompt_TurnsGuidanceOff()
    {
        var spec = Reader.Read(new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.Png(64, 64)), NegativePrompt = "" });

        Assert.Null(spec.NegativePrompt);
    }
}
