using System.Text.Json;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// The whole Qwen2.5-VL <c>config.json</c> the captioner needs: the language model, the vision tower, the multimodal
/// token ids and the M-RoPE sections. Older checkpoints keep the text keys at the top level, newer transformers
/// releases nest them under <c>text_config</c>; both are read.
/// </summary>
public sealed class Qwen25VLConfig
{
    public required Qwen25VLTextConfig Text { get; init; }
    public required Qwen25VLVisionConfig Vision { get; init; }

    /// <summary>The <c>&lt;|image_pad|&gt;</c> id, replaced by one vision embedding per merged patch.</summary>
    public required int ImageTokenId { get; init; }

    /// <summary>The <c>&lt;|vision_start|&gt;</c> id; the token after it opens an image.</summary>
    public required int VisionStartTokenId { get; init; }

    /// <summary>Rotary frequency pairs per position stream (temporal, height, width); sums to <c>head_dim / 2</c>.</summary>
    public required int[] MropeSection { get; init; }

    /// <summary>The model's end-of-sequence id(s) from <c>eos_token_id</c>.</summary>
    public required int[] EosTokenIds { get; init; }

    /// <summary>Qwen2.5-VL-7B-Instruct, the Qwen-Image(-Layered) text encoder (spec 6.1).</summary>
    public static Qwen25VLConfig Qwen25VL7B { get; } = new()
    {
        Text = Qwen25VLTextConfig.Qwen25VL7B,
        Vision = new Qwen25VLVisionConfig
        {
            Depth = 32, HiddenSize = 1280, IntermediateSize = 3420, NumHeads = 16, OutHiddenSize = 3584,
            FullAttentionBlocks = [7, 15, 23, 31],
        },
        ImageTokenId = 151655,
        VisionStartTokenId = 151652,
        MropeSection = [16, 24, 24],
        EosTokenIds = [151645],
    };

    /// <summary>Whether a text encoder's config.json describes a vision tower (so the model can caption images).</summary>
    public static bool HasVisionTower(string configPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
        return document.RootElement.TryGetProperty("vision_config", out _);
    }

    public static Qwen25VLConfig FromFile(string configPath)
    {
        if (!File.Exists(configPath)) throw new ModelFolderException(configPath, "the config file does not exist.");
        using var document = JsonDocument.Parse(File.ReadAllBytes(configPath));
        return FromElement(configPath, document.RootElement);
    }

    /// <summary>Reads a config held in <paramref name="root"/>; <paramref name="origin"/> names it in errors.</summary>
    public static Qwen25VLConfig FromElement(string origin, JsonElement root)
    {
        var textKeys = !root.TryGetProperty("hidden_size", out _) && root.TryGetProperty("text_config", out var nested) ? nested : root;
        if (!root.TryGetProperty("vision_config", out var vision))
            throw new ModelFolderException(origin, "the config has no vision_config: it is not a Qwen2.5-VL model with a vision tower.");
        var config = new Qwen25VLConfig
        {
            Text = Qwen25VLTextConfig.FromElement(origin, root),
            Vision = ConfigFile.FromElement<Qwen25VLVisionConfig>(origin, vision),
            ImageTokenId = RequiredInt(origin, root, textKeys, "image_token_id"),
            VisionStartTokenId = RequiredInt(origin, root, textKeys, "vision_start_token_id"),
            MropeSection = MropeSectionOf(origin, root, textKeys),
            EosTokenIds = Ints(Find(root, textKeys, "eos_token_id")),
        };
        if (config.MropeSection.Length != 3 || config.MropeSection.Sum() * 2 != config.Text.HeadDim)
            throw new ModelFolderException(origin,
                $"mrope_section [{string.Join(", ", config.MropeSection)}] must have 3 entries summing to head_dim/2 = {config.Text.HeadDim / 2}.");
        if (config.Vision.OutHiddenSize != config.Text.HiddenSize)
            throw new ModelFolderException(origin,
                $"vision out_hidden_size {config.Vision.OutHiddenSize} differs from the language model's hidden_size {config.Text.HiddenSize}.");
        return config;
    }

    private static int[] MropeSectionOf(string origin, JsonElement root, JsonElement textKeys)
    {
        var scaling = Find(root, textKeys, "rope_scaling") ?? Find(root, textKeys, "rope_parameters");
        if (scaling is not { ValueKind: JsonValueKind.Object } rope || !rope.TryGetProperty("mrope_section", out var section))
            throw new ModelFolderException(origin, "the config has no rope_scaling.mrope_section.");
        return Ints(section);
    }

    private static int RequiredInt(string origin, JsonElement root, JsonElement textKeys, string key) =>
        Find(root, textKeys, key) is { ValueKind: JsonValueKind.Number } value
            ? value.GetInt32()
            : throw new ModelFolderException(origin, $"the config has no integer '{key}'.");

    private static JsonElement? Find(JsonElement root, JsonElement textKeys, string key) =>
        root.TryGetProperty(key, out var value) ? value : textKeys.TryGetProperty(key, out value) ? value : null;

    private static int[] Ints(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.Number } number => [number.GetInt32()],
        { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(item => item.GetInt32())],
        _ => [],
    };
}
