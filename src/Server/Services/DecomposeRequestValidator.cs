using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Services;

/// <summary>
/// Checks a decompose request against the contract and the served <see cref="DecompositionPolicy"/> before anything is
/// queued; the defaults it quotes are the ones the served model would get.
/// </summary>
public sealed class DecomposeRequestValidator(ServedPolicy served)
{
    /// <summary>Throws INVALID_ARGUMENT with a message that says what is wrong and what to send instead.</summary>
    public void Validate(DecomposeRequest request)
    {
        var policy = served.Current;
        long maxImageBytes = policy.Limits.MaxImageBytes;
        if (request.Image.IsEmpty)
            Fail("image is empty: send the PNG, JPEG or WebP bytes of the image to decompose.");
        if (request.Image.Length > maxImageBytes)
            Fail($"image is {request.Image.Length} bytes; this server accepts at most {maxImageBytes}. Send a smaller or more compressed image.");
        if (ImageFormat.Detect(request.Image.Span) is null)
            Fail("image is not a PNG, JPEG or WebP file.");
        if (request.Preview is { } preview && (preview.EverySteps < 0 || preview.MaxEdge < 0))
            Fail("preview.every_steps and preview.max_edge must be 0 or more.");
        if (request.Region?.Rect is { } rect && (rect.X < 0 || rect.Y < 0 || rect.Width <= 0 || rect.Height <= 0))
            Fail($"region.rect ({rect.X}, {rect.Y}, {rect.Width}x{rect.Height}) needs x and y of at least 0 and a positive width and height.");
        if (request.ClientRequestId.Length > 128)
            Fail("client_request_id is longer than 128 characters.");
        try
        {
            policy.Layers(request.Layers, request.AutomaticLayers);
            policy.Steps(request.Steps);
            policy.GuidanceScale(request.GuidanceScale);
            policy.Resolution(request.Resolution);
            policy.CheckPromptLength("prompt", request.Prompt);
            policy.CheckPromptLength("negative_prompt", request.NegativePrompt);
        }
        catch (ArgumentException error)
        {
            Fail(error.Message);
        }
    }

    private static void Fail(string message) => throw new RpcException(new Status(StatusCode.InvalidArgument, message));
}
