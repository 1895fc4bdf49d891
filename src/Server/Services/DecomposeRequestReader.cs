using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Services;

/// <summary>
/// Turns a checked request into the engine's request, as the served <see cref="DecompositionPolicy"/> decides it: the
/// image (and region mask) checked from its header against the limits but left encoded until the job starts, the
/// working size, and every unset field replaced by the model's default. Refuses what cannot be used with INVALID_ARGUMENT.
/// </summary>
public sealed class DecomposeRequestReader(ServedPolicy served)
{
    public DecompositionRequest Read(DecomposeRequest request)
    {
        var policy = served.Current;
        try
        {
            policy.NeedsCaption(request.Prompt);
            var input = ReadInput(request, policy);
            var settings = new DecompositionSettings
            {
                Layers = policy.Layers(request.Layers, request.AutomaticLayers),
                AutomaticLayers = request.AutomaticLayers,
                Steps = policy.Steps(request.Steps),
                GuidanceScale = policy.GuidanceScale(request.GuidanceScale),
                Seed = request.HasSeed ? request.Seed : (ulong)Random.Shared.NextInt64(),
                PreviewEverySteps = request.Preview?.EverySteps ?? 0,
                PreviewMaxEdge = DecompositionPolicy.PreviewMaxEdge(request.Preview?.MaxEdge ?? 0),
                StepCacheThreshold = policy.DefaultStepCacheThreshold,
                FullResolution = !request.WorkingSize,
                SixteenBit = request.SixteenBit,
            };
            // An unset negative prompt is the recommended one; a set but empty one turns true guidance off.
            return policy.Request(input, request.Prompt, settings, request.Resolution) with
            {
                NegativePrompt = !request.HasNegativePrompt ? DecompositionPolicy.DefaultNegativePrompt
                    : request.NegativePrompt.Length > 0 ? request.NegativePrompt : null,
            };
        }
        catch (ArgumentException error)
        {
            throw Invalid(error.Message);
        }
    }

    private static InputImage ReadInput(DecomposeRequest request, DecompositionPolicy policy)
    {
        var image = ReadHeader(request.Image.Span, "image", policy);
        if (request.Region?.Rect is not { } rect) return new InputImage(request.Image.Memory, image);
        if ((long)rect.X + rect.Width > image.Width || (long)rect.Y + rect.Height > image.Height)
            throw Invalid($"region.rect ({rect.X}, {rect.Y}, {rect.Width}x{rect.Height}) reaches outside the {image.Width}x{image.Height} image.");
        var maskBytes = request.Region.Mask;
        if (!maskBytes.IsEmpty)
        {
            var mask = ReadHeader(maskBytes.Span, "region.mask", policy);
            if (mask.Width != rect.Width || mask.Height != rect.Height)
                throw Invalid($"region.mask is {mask.Width}x{mask.Height}; it must have the rect's size, {rect.Width}x{rect.Height}.");
        }
        return new InputImage(request.Image.Memory, image, new ImageRegion(rect.X, rect.Y, rect.Width, rect.Height, maskBytes.Memory));
    }

    private static ImageHeader ReadHeader(ReadOnlySpan<byte> bytes, string field, DecompositionPolicy policy)
    {
        try
        {
            return policy.ReadImageHeader(bytes);
        }
        catch (InvalidImageException error)
        {
            throw Invalid($"{field}: {error.Message}");
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
