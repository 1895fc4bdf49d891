using Google.Protobuf;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Services;
using SixLabors.ImageSharp.Formats.Png;

namespace QwenLayered.Server.Tests.Services;

public class DecomposeRequestReaderTests
{
    private const long MiB = 1024 * 1024;

    // The published model's policy without a captioner (as while no model is loaded), so every request here carries a prompt.
    private static readonly DecomposeRequestReader Reader = new(new ServedPolicy(() => DecompositionPolicy.Published with { CanCaption = false }));

    [Fact]
    public void Read_ServedWithAStepCache_GivesTheRequestItsThreshold()
    {
        var reader = new DecomposeRequestReader(new ServedPolicy(() => DecompositionPolicy.Published with { CanCaption = false, DefaultStepCacheThreshold = 0.1f }));

        var spec = reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16)) });

        Assert.Equal(0.1f, spec.Settings.StepCacheThreshold);
        Assert.Equal(0f, Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16)) }).Settings.StepCacheThreshold);
    }

    [Fact]
    public void Read_CmykJpeg_IsConvertedToOpaqueRgba()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(HandmadeImages.CmykJpeg()) });

        var image = spec.Image.Decode();

        Assert.Equal((8, 8), (image.Width, image.Height));
        Assert.All(image.Pixels.Where((_, i) => i % 4 == 3), alpha => Assert.Equal(255, alpha));
    }

    [Fact]
    public void Read_SixteenBitPng_IsConvertedAndRemembersItsDepth()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16, PngColorType.RgbWithAlpha, PngBitDepth.Bit16)) });

        var image = spec.Image.Decode();

        Assert.Equal(16, image.SourceBitsPerChannel);
        Assert.Equal(16 * 16 * 4, image.Pixels.Length);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 5)]
    public void Read_AutomaticLayers_LeavesTheCountToTheModelUpToLayersOrTheLimit(int layers, int most)
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16)), AutomaticLayers = true, Layers = layers });

        Assert.Equal((true, most), (spec.Settings.AutomaticLayers, spec.Settings.Layers));
    }

    [Fact]
    public void Read_LayersWithoutAutomatic_IsTheCountAskedOrTheDefault()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(16, 16)) });

        Assert.Equal((false, DecompositionPolicy.DefaultLayers), (spec.Settings.AutomaticLayers, spec.Settings.Layers));
    }

    [Fact]
    public void Read_HugeImage_ChecksItsHeaderAndLeavesItEncoded()
    {
        // 8192x8192 is 256 MiB of RGBA pixels in a 65 kB file.
        var request = new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(HandmadeImages.BlackPng(8192, 8192)) };

        var (spec, allocated) = Allocating(() => Reader.Read(request));

        Assert.Equal((8192, 8192), (spec.Image.Width, spec.Image.Height));
        Assert.True(allocated < 16 * MiB, $"Reading the request allocated {allocated / MiB} MiB.");
    }

    [Fact]
    public void Read_ImageWithATextChunkInflatingTo64MiB_LeavesItUninflated()
    {
        var image = HandmadeImages.BlackPng(64, 64, chunks: HandmadeImages.CompressedTextChunk(64 * (int)MiB));
        var request = new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(image) };

        var (_, allocated) = Allocating(() => Reader.Read(request));

        Assert.True(allocated < 16 * MiB, $"Reading the request allocated {allocated / MiB} MiB.");
    }

    [Fact]
    public void Read_RegionMaskWithATextChunkInflatingTo64MiB_LeavesItUninflated()
    {
        var mask = HandmadeImages.BlackPng(64, 64, chunks: HandmadeImages.InternationalTextChunk(64 * (int)MiB));
        var request = new DecomposeRequest
        {
            Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(64, 64)),
            Region = new Region { Rect = new Rect { Width = 64, Height = 64 }, Mask = ByteString.CopyFrom(mask) },
        };

        var (_, allocated) = Allocating(() => Reader.Read(request));

        Assert.True(allocated < 16 * MiB, $"Reading the request allocated {allocated / MiB} MiB.");
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
    public void Read_UnsetOutputChoices_AreFullResolutionAndEightBit()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(64, 64)) });

        Assert.Equal((true, false), (spec.Settings.FullResolution, spec.Settings.SixteenBit));
    }

    [Fact]
    public void Read_WorkingSizeAndSixteenBit_AreTheSettingsAskedFor()
    {
        var spec = Reader.Read(new DecomposeRequest { Prompt = "p", Image = ByteString.CopyFrom(TestImages.Png(64, 64)), WorkingSize = true, SixteenBit = true });

        Assert.Equal((false, true), (spec.Settings.FullResolution, spec.Settings.SixteenBit));
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

    // What the call allocated on this thread; reading and decoding images here run on the caller's thread.
    private static (T Result, long Allocated) Allocating<T>(Func<T> call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var result = call();
        return (result, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
