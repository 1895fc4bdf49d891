using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Services;

/// <summary>
/// Checks a decompose request against the contract and this server's limits before anything is queued; the defaults
/// it quotes are the ones the served model would get.
/// </summary>
public sealed class DecomposeRequestValidator(IOptions<LimitsOptions> limits, ModelHost host)
{
    /// <summary>Throws INVALID_ARGUMENT with a message that says what is wrong and what to send instead.</summary>
    public void Validate(DecomposeRequest request)
    {
        var max = limits.Value;
        var profile = host.Profile;
        if (request.Image.IsEmpty)
            Fail("image is empty: send the PNG, JPEG or WebP bytes of the image to decompose.");
        if (request.Image.Length > max.MaxImageBytes)
            Fail($"image is {request.Image.Length} bytes; this server accepts at most {max.MaxImageBytes}. Send a smaller or more compressed image.");
        if (ImageFormat.Detect(request.Image.Span) is null)
            Fail("image is not a PNG, JPEG or WebP file.");
        if (request.Layers < 0 || request.Layers > max.MaxLayers)
            Fail($"layers is {request.Layers}; ask for 1 to {max.MaxLayers} layers, or 0 for the default ({max.DefaultLayers}).");
        if (request.Steps < 0 || request.Steps > max.MaxSteps)
            Fail($"steps is {request.Steps}; ask for 1 to {max.MaxSteps} steps, or 0 for the default ({max.StepsFor(profile)}).");
        if (!float.IsFinite(request.GuidanceScale) || request.GuidanceScale < 0)
            Fail($"guidance_scale is {request.GuidanceScale}; use a finite value of at least 0 (0 for the default {max.GuidanceScaleFor(profile)}; 1 or less turns guidance off).");
        if (request.Resolution < 0)
            Fail($"resolution is {request.Resolution}; use one of the model's resolutions (640 or 1024 for the published model), or 0 for its default.");
        if (request.Preview is { } preview && (preview.EverySteps < 0 || preview.MaxEdge < 0))
            Fail("preview.every_steps and preview.max_edge must be 0 or more.");
        if (request.Region?.Rect is { } rect && (rect.X < 0 || rect.Y < 0 || rect.Width <= 0 || rect.Height <= 0))
            Fail($"region.rect ({rect.X}, {rect.Y}, {rect.Width}x{rect.Height}) needs x and y of at least 0 and a positive width and height.");
        CheckPromptLength("prompt", request.Prompt, max.MaxPromptBytes);
        CheckPromptLength("negative_prompt", request.NegativePrompt, max.MaxPromptBytes);
        if (request.ClientRequestId.Length > 128)
            Fail("client_request_id is longer than 128 characters.");
    }

    // Checked before the prompt reaches the text encoder, which reads all of it before keeping 512 tokens.
    private static void CheckPromptLength(string field, string prompt, int maxBytes)
    {
        int bytes = Encoding.UTF8.GetByteCount(prompt);
        if (bytes > maxBytes)
            Fail($"{field} is {bytes} bytes of UTF-8; this server accepts at most {maxBytes}. The model reads only its first 512 tokens " +
                "(about 2,400 characters of English, 650 of Chinese or Japanese): shorten it.");
    }

    private static void Fail(string message) => throw new RpcException(new Status(StatusCode.InvalidArgument, message));
}
