using Google.Protobuf;
using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Tests.Services;

public class DecomposeRequestValidatorTests
{
    // A model whose profile defaults to 30 steps, so the defaults quoted are the model's.
    private readonly DecomposeRequestValidator _validator = new(new ServedPolicy(() => DecompositionPolicy.Published with
    {
        Profile = new ModelProfile { DefaultSteps = 30 },
        Limits = new DecompositionLimits { MaxLayers = 10, MaxSteps = 100, MaxImageBytes = 1000 },
    }));

    private static DecomposeRequest Valid() => new() { Image = ByteString.CopyFrom(TestImages.PngHeader) };

    [Fact]
    public void Validate_DefaultsEverywhere_Accepts()
    {
        _validator.Validate(Valid());
    }

    [Fact]
    public void Validate_EveryFieldAtItsLimit_Accepts()
    {
        var request = Valid();
        request.Layers = 10;
        request.Steps = 100;
        request.GuidanceScale = 1f;
        request.Resolution = 1024;
        request.Preview = new PreviewOptions { EverySteps = 1, MaxEdge = 64 };
        request.Region = new Region { Rect = new Rect { X = 0, Y = 0, Width = 1, Height = 1 } };
        request.Prompt = new string('字', 2730) + "ab"; // 3 bytes of UTF-8 a character: 8,192 bytes
        request.NegativePrompt = new string('a', 8192);

        _validator.Validate(request);
    }

    public static TheoryData<string, Action<DecomposeRequest>> InvalidRequests => new()
    {
        { "image is empty", r => r.Image = ByteString.Empty },
        { "at most 1000", r => r.Image = ByteString.CopyFrom(TestImages.PngHeader.Concat(new byte[1000]).ToArray()) },
        { "not a PNG, JPEG or WebP", r => r.Image = ByteString.CopyFromUtf8("GIF89a....") },
        { "1 to 10 layers", r => r.Layers = 11 },
        { "1 to 10 layers", r => r.Layers = -1 },
        { "1 to 100 steps, or 0 for the default (30)", r => r.Steps = 101 },
        { "at least 0", r => r.GuidanceScale = -1f },
        { "finite", r => r.GuidanceScale = float.NaN },
        { "use one of the model's resolutions", r => r.Resolution = -1 },
        { "preview.every_steps", r => r.Preview = new PreviewOptions { EverySteps = -1 } },
        { "positive width and height", r => r.Region = new Region { Rect = new Rect { Width = 0, Height = 5 } } },
        { "longer than 128", r => r.ClientRequestId = new string('x', 129) },
        { "prompt is 8193 bytes of UTF-8; this server accepts at most 8192", r => r.Prompt = new string('a', 8193) },
        { "negative_prompt is 8196 bytes of UTF-8", r => r.NegativePrompt = new string('字', 2732) },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public void Validate_InvalidField_IsInvalidArgumentNamingTheProblem(string expectedText, Action<DecomposeRequest> spoil)
    {
        var request = Valid();
        spoil(request);

        var error = Assert.Throws<RpcException>(() => _validator.Validate(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expectedText, error.Status.Detail);
    }
}
