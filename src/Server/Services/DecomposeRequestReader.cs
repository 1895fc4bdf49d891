using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Text;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Services;

/// <summary>
/// Turns a checked request into the job to run: the image (and region mask) checked from its header against the limits
/// but left encoded until the job starts, the working size, and every unset field replaced by the server default.
/// Refuses what cannot be used with INVALID_ARGUMENT.
/// </summary>
public sealed class DecomposeRequestReader(IOptions<LimitsOptions> limits, IOptions<EngineOptions> engine, ModelHost host)
{
    public JobSpec Read(DecomposeRequest request)
    {
        var max = limits.Value;
        var profile = host.Profile;
        if (PromptSource.NeedsCaption(request.Prompt) && !host.CanCaption && !profile.TrainedWithEmptyPrompt)
            throw Invalid("prompt is empty and this server's model cannot caption images (its text encoder has no vision tower): " +
                "describe the image in a few words (what it shows, including partly hidden things).");
        var input = ReadInput(request);
        var size = WorkingSizeOf(input.Width, input.Height, request.Resolution == 0 ? profile.DefaultResolution : request.Resolution, profile);
        var settings = new DecompositionSettings
        {
            Layers = request.Layers == 0 ? max.DefaultLayers : request.Layers,
            Steps = request.Steps == 0 ? max.StepsFor(profile) : request.Steps,
            GuidanceScale = request.GuidanceScale == 0 ? max.GuidanceScaleFor(profile) : request.GuidanceScale,
            Seed = request.HasSeed ? request.Seed : (ulong)Random.Shared.NextInt64(),
            PreviewEverySteps = request.Preview?.EverySteps ?? 0,
            // The engine needs at least 8 pixels; smaller asks get the smallest preview it makes.
            PreviewMaxEdge = request.Preview is { MaxEdge: > 0 } preview ? Math.Max(8, preview.MaxEdge) : 256,
        };
        // An unset negative prompt is the recommended " "; a set but empty one turns true guidance off.
        string? negative = !request.HasNegativePrompt ? PromptTemplate.DefaultNegativePrompt
            : request.NegativePrompt.Length > 0 ? request.NegativePrompt : null;
        return new JobSpec(input, size, request.Prompt, negative, settings);
    }

    private JobInput ReadInput(DecomposeRequest request)
    {
        var image = ReadHeader(request.Image.Span, "image");
        if (request.Region?.Rect is not { } rect) return new JobInput(request.Image.Memory, image);
        if ((long)rect.X + rect.Width > image.Width || (long)rect.Y + rect.Height > image.Height)
            throw Invalid($"region.rect ({rect.X}, {rect.Y}, {rect.Width}x{rect.Height}) reaches outside the {image.Width}x{image.Height} image.");
        var maskBytes = request.Region.Mask;
        if (!maskBytes.IsEmpty)
        {
            var mask = ReadHeader(maskBytes.Span, "region.mask");
            if (mask.Width != rect.Width || mask.Height != rect.Height)
                throw Invalid($"region.mask is {mask.Width}x{mask.Height}; it must have the rect's size, {rect.Width}x{rect.Height}.");
        }
        return new JobInput(request.Image.Memory, image, new JobRegion(rect.X, rect.Y, rect.Width, rect.Height, maskBytes.Memory));
    }

    private ImageHeader ReadHeader(ReadOnlySpan<byte> bytes, string field)
    {
        try
        {
            return ImageDecoder.ReadHeader(bytes, limits.Value.MaxPixels, limits.Value.MaxImageBytes);
        }
        catch (InvalidImageException error)
        {
            throw Invalid($"{field}: {error.Message}");
        }
    }

    private WorkingSize WorkingSizeOf(int width, int height, int resolution, ModelProfile profile)
    {
        try
        {
            long area = engine.Value.WorkingArea;
            int scale = host.VaeScaleFactor;
            return area > 0 ? WorkingSize.ForArea(width, height, area, scale) : WorkingSize.For(width, height, resolution, scale, profile.Resolutions);
        }
        catch (ArgumentException error)
        {
            throw Invalid(error.Message);
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
