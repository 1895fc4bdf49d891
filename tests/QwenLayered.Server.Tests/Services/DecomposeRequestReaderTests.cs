using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Services;
using SixLabors.ImageSharp.Formats.Png;

namespace QwenLayered.Server.Tests.Services;

public class DecomposeRequestReaderTests
{
    // No model loaded, so every request here carries a prompt.
    private static readonly DecomposeRequestReader Reader = new(Options.Create(new LimitsOptions()), Options.Create(new EngineOptions()),
        new ModelHost(Options.Create(new EngineOptions { Device = "cpu" }), NullLogger<ModelHost>.Instance));

    [Fact]
    public void Read_CmykJpeg_IsConvertedToOpaqueRgba()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(HandmadeImages.CmykJpeg()) });

        Assert.Equal((8, 8), (spec.Image.Width, spec.Image.Height));
        Assert.All(spec.Image.Pixels.Where((_, i) => i % 4 == 3), alpha => Assert.Equal(255, alpha));
    }

    [Fact]
    public void Read_SixteenBitPng_IsConvertedAndRemembersItsDepth()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16, PngColorType.RgbWithAlpha, PngBitDepth.Bit16)) });

        Assert.Equal(16, spec.Image.SourceBitsPerChannel);
        Assert.Equal(16 * 16 * 4, spec.Image.Pixels.Length);
    }

    [Fact]
    public void Read_UnsetFields_GetTheServerDefaultsAndTheRecommendedNegativePrompt()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Seed = 9 });

        Assert.Equal((4, 50, 4.0f, 9ul, 0), (spec.Settings.Layers, spec.Settings.Steps, spec.Settings.GuidanceScale, spec.Settings.Seed, spec.Settings.PreviewEverySteps));
        Assert.Equal(" ", spec.NegativePrompt);
        Assert.Equal((640, 640), (spec.Size.Width, spec.Size.Height));
    }

    [Fact]
    public void Read_EmptyPromptWithoutACaptioningModel_IsInvalidArgumentAskingForAPrompt()
    {
        var error = Assert.Throws<Grpc.Core.RpcException>(() => Reader.Read(new DecomposeRequest { Image = ByteString.CopyFrom(TestImages.Png(64, 64)) }));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("describe the image in a few words", error.Status.Detail);
    }

    [Fact]
    public void Read_EmptyNegativePrompt_TurnsGuidanceOff()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(64, 64)), NegativePrompt = "" });

        Assert.Null(spec.NegativePrompt);
    }
}
