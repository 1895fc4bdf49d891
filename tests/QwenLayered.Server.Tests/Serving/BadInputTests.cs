using Google.Protobuf;
using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp.Formats.Png;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class BadInputTests(ModelServer server) : ServingTestBase(server)
{
    // Each image with the part of the refusal message that says what is wrong with it.
    public static TheoryData<byte[], string> RefusedImages => new()
    {
        { [], "image is empty" },
        { "hello, world"u8.ToArray(), "not a PNG, JPEG or WebP" },
        { HandmadeImages.PngHeaderOnly(0, 16), "image: The image is 0x16 pixels: it has no pixels" },
        { HandmadeImages.PngHeaderOnly(100_000, 100_000), "at most 67,108,864 pixels are accepted" },
    };

    [Theory]
    [MemberData(nameof(RefusedImages))]
    public async Task Decompose_BadImage_IsInvalidArgumentWithAMessageSayingWhatIsWrong(byte[] image, string message)
    {
        var request = Request();
        request.Image = ByteString.CopyFrom(image);

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Ann, request).ToEndAsync());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
    }

    [Fact]
    public async Task Decompose_ImageDamagedPastItsHeader_FailsWhenItStartsWithInvalidArgumentSayingWhatIsWrong()
    {
        var request = Request();
        // The header is whole, so the image is queued; its pixels are cut off, so decoding it fails.
        request.Image = ByteString.CopyFrom([.. TestImages.Png(32, 32).Take(60)]);

        var events = await Submit(Artists.Ann, request).ToEndAsync();

        Assert.Equal(Kind.Failed, events[^1].KindCase);
        Assert.Equal((int)StatusCode.InvalidArgument, events[^1].Failed.StatusCode);
        Assert.StartsWith("image: The PNG image is damaged", events[^1].Failed.Message);
    }

    public static TheoryData<string, byte[]> ConvertedImages => new()
    {
        { "16-bit", TestImages.Png(48, 48, PngColorType.RgbWithAlpha, PngBitDepth.Bit16) },
        { "grayscale", TestImages.Png(48, 48, PngColorType.Grayscale) },
        { "paletted", TestImages.Png(48, 48, PngColorType.Palette) },
        { "alpha", TestImages.Png(48, 48, PngColorType.RgbWithAlpha) },
        { "CMYK JPEG", HandmadeImages.CmykJpeg() },
    };

    [Theory]
    [MemberData(nameof(ConvertedImages))]
    public async Task Decompose_ConvertibleImage_IsConvertedAndDecomposed(string kind, byte[] image)
    {
        var request = Request();
        request.Image = ByteString.CopyFrom(image);

        var events = await Submit(Artists.Ann, request).ToEndAsync();

        Assert.True(events[^1].KindCase == Kind.Completed, $"{kind}: {events[^1]}");
    }

    [Fact]
    public async Task Decompose_ImageTooTallForTheReferenceRounding_IsDecomposedAtItsAspectRatio()
    {
        var request = Request();
        request.Image = ByteString.CopyFrom(TestImages.Png(150, 3000));

        var events = await Submit(Artists.Ann, request).ToEndAsync();

        // The server works at 64x64 px: 16x256 here (one patch wide), answered as 14x280, the input's 1:20.
        var started = Assert.Single(events, e => e.KindCase == Kind.Started).Started;
        Assert.Equal((14, 280), (started.Width, started.Height));
        // The layers come back at the image's own size; the opaque bottom layer covers all of it.
        var layer = ImageDecoder.Decode(events.First(e => e.KindCase == Kind.Layer).Layer.Png.ToByteArray(), long.MaxValue, long.MaxValue);
        Assert.Equal((150, 3000), (layer.Width, layer.Height));
        Assert.Equal(Kind.Completed, events[^1].KindCase);
    }

    [Fact]
    public async Task Decompose_RegionOutsideTheImage_IsInvalidArgument()
    {
        var request = Request();
        request.Region = new Region { Rect = new Rect { X = 40, Y = 0, Width = 32, Height = 32 } };

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Ann, request).ToEndAsync());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("reaches outside the 64x64 image", error.Status.Detail);
    }

    [Fact]
    public async Task Decompose_RegionMaskOfTheWrongSize_IsInvalidArgument()
    {
        var request = Request();
        request.Region = new Region { Rect = new Rect { Width = 32, Height = 32 }, Mask = ByteString.CopyFrom(TestImages.Png(16, 16, PngColorType.Grayscale)) };

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Ann, request).ToEndAsync());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("region.mask is 16x16; it must have the rect's size, 32x32", error.Status.Detail);
    }

    [Fact]
    public async Task Decompose_RegionWithMask_DecomposesOnlyThatRegion()
    {
        var request = Request();
        request.Region = new Region { Rect = new Rect { X = 0, Y = 0, Width = 64, Height = 32 }, Mask = ByteString.CopyFrom(TestImages.Png(64, 32, PngColorType.Grayscale)) };

        using var job = Submit(Artists.Ann, request);
        var started = await job.UntilAsync(Kind.Started);

        // The working size follows the region's 2:1 aspect, not the 1:1 image.
        Assert.True(started.Started.Width > started.Started.Height);
        Assert.Equal(Kind.Completed, (await job.ToEndAsync())[^1].KindCase);
    }

    [Fact]
    public async Task Decompose_BadRequestWhileAnotherJobRuns_LeavesThatJobUndisturbed()
    {
        using var running = Submit(Artists.Bob, Request(steps: 20, layers: 2));
        await running.UntilAsync(Kind.Started);
        var bad = Request();
        bad.Image = ByteString.CopyFromUtf8("hello, world");

        await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Ann, bad).ToEndAsync());

        Assert.Equal(2, (await running.ToEndAsync())[^1].Completed.LayerCount);
    }
}
