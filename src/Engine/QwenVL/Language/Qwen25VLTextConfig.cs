using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// The language-model half of a Qwen2.5-VL <c>config.json</c> (the <c>text_encoder/</c> of a model folder). Shape keys
/// are required: transformers' own defaults are those of the 72B model and have changed between releases, so a missing
/// key is an error rather than a guess.
/// </summary>
public sealed class Qwen25VLTextConfig : IModelConfig
{
    [JsonPropertyName("vocab_size"), JsonRequired] public int VocabSize { get; init; }
    [JsonPropertyName("hidden_size"), JsonRequired] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size"), JsonRequired] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers"), JsonRequired] public int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads"), JsonRequired] public int NumAttentionHeads { get; init; }
    [JsonPropertyName("num_key_value_heads"), JsonRequired] public int NumKeyValueHeads { get; init; }
    [JsonPropertyName("rms_norm_eps"), JsonRequired] public double RmsNormEps { get; init; }
    [JsonPropertyName("rope_theta"), JsonRequired] public double RopeTheta { get; init; }

    /// <summary>Absent in Qwen2.5-VL configs, where it is <c>hidden_size / num_attention_heads</c>.</summary>
    [JsonPropertyName("head_dim")] public int? ExplicitHeadDim { get; init; }

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 128000;
    [JsonPropertyName("use_sliding_window")] public bool UseSlidingWindow { get; init; }

    [JsonIgnore] public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>The text config of Qwen2.5-VL-7B-Instruct, the Qwen-Image(-Layered) text encoder (spec 6.1).</summary>
    public static Qwen25VLTextConfig Qwen25VL7B { get; } =
        FromJson("embedded Qwen25VL7BTextConfig.json", ReadEmbedded("Qwen25VL7BTextConfig.json"));

    /// <summary>Reads a text encoder's <c>config.json</c>.</summary>
    public static Qwen25VLTextConfig FromFile(string configPath)
    {
        if (!File.Exists(configPath)) throw new ModelFolderException(configPath, "the config file does not exist.");
        return FromJson(configPath, File.ReadAllText(configPath));
    }

    /// <summary>
    /// Reads a config held in <paramref name="element"/>; newer transformers releases nest the language-model keys under
    /// <c>text_config</c>, older checkpoints keep them at the top level. <paramref name="origin"/> names it in errors.
    /// </summary>
    public static Qwen25VLTextConfig FromElement(string origin, JsonElement element) =>
        ConfigFile.FromElement<Qwen25VLTextConfig>(origin,
            !element.TryGetProperty("hidden_size", out _) && element.TryGetProperty("text_config", out var nested) ? nested : element);

    public void Validate()
    {
        if (HiddenAct != "silu")
            throw new InvalidDataException($"hidden_act '{HiddenAct}' is not supported: Qwen2.5-VL uses silu.");
        if (UseSlidingWindow)
            throw new InvalidDataException("use_sliding_window is not supported: Qwen2.5-VL attends over the whole prompt.");
        if (VocabSize <= 0 || HiddenSize <= 0 || IntermediateSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || NumKeyValueHeads <= 0)
            throw new InvalidDataException("vocab_size, hidden_size, intermediate_size and the layer and head counts must be positive.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException(
                $"num_attention_heads ({NumAttentionHeads}) is not a multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim <= 0 || HeadDim % 2 != 0)
            throw new InvalidDataException($"head_dim {HeadDim} must be positive and even for rotate-half RoPE.");
    }

    private static Qwen25VLTextConfig FromJson(string origin, string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromElement(origin, document.RootElement);
        }
        catch (JsonException error)
        {
            throw new ModelFolderException(origin, $"the config is not valid JSON ({error.Message}).", error);
        }
    }

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(Qwen25VLTextConfig).Assembly.GetManifestResourceStream($"QwenLayered.Engine.QwenVL.Language.{name}")
            ?? throw new InvalidOperationException($"Embedded config {name} is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
