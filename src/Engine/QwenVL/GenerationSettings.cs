using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// How captions are decoded, read from <c>generation_config.json</c> when the model folder has one (Qwen2.5-VL-7B's:
/// sampling with top_k 1, i.e. greedy over repetition-penalised logits); plain greedy otherwise. Unset keys take
/// transformers' defaults. <see cref="MaxNewTokens"/> is the pipeline's 512, not the file's.
/// </summary>
public sealed record GenerationSettings : IModelConfig
{
    /// <summary>The pipeline passes <c>max_new_tokens=512</c> to <c>generate</c>.</summary>
    public const int DefaultMaxNewTokens = 512;

    [JsonPropertyName("do_sample")] public bool DoSample { get; init; }
    [JsonPropertyName("temperature")] public double Temperature { get; init; } = 1.0;
    [JsonPropertyName("top_k")] public int TopK { get; init; } = 50;
    [JsonPropertyName("top_p")] public double TopP { get; init; } = 1.0;
    [JsonPropertyName("repetition_penalty")] public double RepetitionPenalty { get; init; } = 1.0;

    /// <summary>Token ids that end generation (not part of the caption).</summary>
    [JsonPropertyName("eos_token_id"), JsonConverter(typeof(OneOrManyIntsConverter))]
    public int[] StopTokens { get; init; } = [];

    [JsonIgnore] public int MaxNewTokens { get; init; } = DefaultMaxNewTokens;

    /// <summary>Seed of the sampler when <see cref="DoSample"/> draws from more than one token.</summary>
    [JsonIgnore] public ulong Seed { get; init; }

    /// <summary>Argmax decoding, no penalty, stopping at <paramref name="stopTokens"/>.</summary>
    public static GenerationSettings Greedy(params int[] stopTokens) => new() { StopTokens = stopTokens };

    /// <summary>The settings of a <c>text_encoder/generation_config.json</c>, or greedy with the model's EOS ids.</summary>
    public static GenerationSettings ForFolder(string textEncoderFolder, IReadOnlyList<int> modelEosIds)
    {
        string path = Path.Combine(textEncoderFolder, "generation_config.json");
        var settings = File.Exists(path) ? ConfigFile.Read<GenerationSettings>(path) : Greedy();
        return settings.StopTokens.Length > 0 ? settings : settings with { StopTokens = [.. modelEosIds] };
    }

    public void Validate()
    {
        if (MaxNewTokens < 1) throw new InvalidDataException($"max_new_tokens {MaxNewTokens} must be at least 1.");
        if (RepetitionPenalty <= 0) throw new InvalidDataException($"repetition_penalty {RepetitionPenalty} must be positive.");
        if (DoSample && (Temperature <= 0 || TopP <= 0 || TopP > 1))
            throw new InvalidDataException($"sampling needs temperature > 0 and top_p in (0, 1]; got {Temperature} and {TopP}.");
    }

    /// <summary><c>eos_token_id</c> is an integer or a list of them.</summary>
    private sealed class OneOrManyIntsConverter : JsonConverter<int[]>
    {
        public override int[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number ? [reader.GetInt32()] : JsonSerializer.Deserialize<int[]>(ref reader, options) ?? [];

        public override void Write(Utf8JsonWriter writer, int[] value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value, options);
    }
}
