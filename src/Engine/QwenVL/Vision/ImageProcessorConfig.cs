using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// A Qwen2-VL <c>preprocessor_config.json</c>. Defaults are the published Qwen2.5-VL values (spec 6.6); newer files
/// give the pixel limits as <c>size.shortest_edge</c>/<c>size.longest_edge</c> instead of min/max_pixels.
/// </summary>
public sealed class ImageProcessorConfig : IModelConfig
{
    [JsonPropertyName("min_pixels")] public long? MinPixelsKey { get; init; }
    [JsonPropertyName("max_pixels")] public long? MaxPixelsKey { get; init; }
    [JsonPropertyName("size")] public JsonElement? Size { get; init; }
    [JsonPropertyName("rescale_factor")] public double RescaleFactor { get; init; } = 1.0 / 255;
    [JsonPropertyName("image_mean")] public double[] ImageMean { get; init; } = [0.48145466, 0.4578275, 0.40821073];
    [JsonPropertyName("image_std")] public double[] ImageStd { get; init; } = [0.26862954, 0.26130258, 0.27577711];
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 14;
    [JsonPropertyName("temporal_patch_size")] public int TemporalPatchSize { get; init; } = 2;
    [JsonPropertyName("merge_size")] public int MergeSize { get; init; } = 2;

    public static ImageProcessorConfig Default { get; } = new();

    [JsonIgnore] public long MinPixels => MinPixelsKey ?? SizeKey("shortest_edge") ?? 56 * 56;

    [JsonIgnore] public long MaxPixels => MaxPixelsKey ?? SizeKey("longest_edge") ?? 28L * 28 * 16384;

    /// <summary>Both sides of a resized image are multiples of this (patch × merge, 28).</summary>
    [JsonIgnore] public int Factor => PatchSize * MergeSize;

    public void Validate()
    {
        if (ImageMean.Length != 3 || ImageStd.Length != 3 || ImageStd.Any(s => s <= 0))
            throw new InvalidDataException("image_mean and image_std need 3 values each, std positive.");
        if (PatchSize <= 0 || TemporalPatchSize <= 0 || MergeSize <= 0)
            throw new InvalidDataException("patch_size, temporal_patch_size and merge_size must be positive.");
        if (MinPixels <= 0 || MaxPixels < MinPixels)
            throw new InvalidDataException($"pixel limits [{MinPixels}, {MaxPixels}] are not a valid range.");
    }

    private long? SizeKey(string key) =>
        Size is { ValueKind: JsonValueKind.Object } size && size.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64() : null;
}
