using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace QwenLayered.Engine.Text;

/// <summary>
/// The language-model half of a Qwen2.5-VL <c>config.json</c> (the <c>text_encoder/</c> of a model folder). Shape keys
/// are required: transformers' own defaults are those of the 72B model and have changed between releases, so a missing
/// key is an error rather than a guess.
/// </summary>
public sealed class Qwen25VLTextConfig
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

    public int HeadDim => ExplicitHeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>The text config of Qwen2.5-VL-7B-Instruct, the Qwen-Image(-Layered) text encoder (spec 6.1).</summary>
    public static Qwen25VLTextConfig Qwen25VL7B { get; } = Parse(ReadEmbedded("Qwen25VL7BTextConfig.json"));

    /// <summary>Reads a <c>config.json</c> file.</summary>
    public static Qwen25VLTextConfig FromFile(string configPath) => Parse(File.ReadAllText(configPath));

    /// <summary>
    /// Parses a config; newer transformers releases nest the language-model keys under <c>text_config</c>, older
    /// checkpoints keep them at the top level.
    /// </summary>
    public static Qwen25VLTextConfig Parse(string json)
    {
        var root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("The text encoder config is empty.");
        var keys = !root.ContainsKey("hidden_size") && root["text_config"] is JsonObject nested ? nested : root;
        var config = keys.Deserialize<Qwen25VLTextConfig>() ?? throw new InvalidDataException("The text encoder config is empty.");
        config.Validate();
        return config;
    }

    private void Validate()
    {
        if (HiddenAct != "silu")
            throw new NotSupportedException($"hidden_act '{HiddenAct}' is not supported: Qwen2.5-VL uses silu.");
        if (UseSlidingWindow)
            throw new NotSupportedException("use_sliding_window is not supported: Qwen2.5-VL attends over the whole prompt.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new InvalidDataException(
                $"num_attention_heads ({NumAttentionHeads}) is not a multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim % 2 != 0) throw new InvalidDataException($"head_dim {HeadDim} is odd; rotate-half RoPE needs an even one.");
    }

    private static string ReadEmbedded(string name)
    {
        using var stream = typeof(Qwen25VLTextConfig).Assembly.GetManifestResourceStream($"QwenLayered.Engine.Text.{name}")
            ?? throw new InvalidOperationException($"Embedded config {name} is missing from the engine assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
