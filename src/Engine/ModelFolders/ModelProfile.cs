using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.Guidance;

namespace QwenLayered.Engine.ModelFolders;

/// <summary>
/// How a model folder is meant to be run, from the optional <c>qwenlayered.json</c> beside <c>model_index.json</c>:
/// the working resolutions it was trained at, whether it was trained with the empty prompt (an empty prompt then needs
/// no caption), sampling defaults, and guidance by the input image. A folder without the file is the published model:
/// 640 and 1024, captions.
/// </summary>
public sealed record ModelProfile
{
    public const string FileName = "qwenlayered.json";

    public static ModelProfile Published { get; } = new();

    /// <summary>What the model is, for logs and server info.</summary>
    [JsonPropertyName("description")] public string Description { get; init; } = "";

    /// <summary>Working resolutions (about resolution² pixels); the first is the default.</summary>
    [JsonPropertyName("resolutions")] public int[] Resolutions { get; init; } = [640, 1024];

    /// <summary>Trained with the empty prompt: an empty prompt is used as it is instead of captioning the image.</summary>
    [JsonPropertyName("trained_with_empty_prompt")] public bool TrainedWithEmptyPrompt { get; init; }

    [JsonPropertyName("default_steps")] public int? DefaultSteps { get; init; }

    [JsonPropertyName("default_guidance_scale")] public float? DefaultGuidanceScale { get; init; }

    /// <summary>Null: the sampler does not guide by the image.</summary>
    [JsonPropertyName("image_guidance")] public ImageGuidance? ImageGuidance { get; init; }

    public int DefaultResolution => Resolutions[0];

    /// <summary>The profile of the model folder at <paramref name="root"/>; <see cref="Published"/> when it has none.</summary>
    public static ModelProfile Read(string root)
    {
        string path = Path.Combine(root, FileName);
        if (!File.Exists(path)) return Published;
        ModelProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<ModelProfile>(File.ReadAllBytes(path));
        }
        catch (JsonException error)
        {
            throw new ModelFolderException(path, $"not valid JSON ({error.Message}).", error);
        }
        if (profile is null || profile.Resolutions.Length == 0 || profile.Resolutions.Any(r => r < 32))
            throw new ModelFolderException(path, "resolutions must list at least one working resolution of 32 pixels or more.");
        if (profile.ImageGuidance?.Problem() is { } problem)
            throw new ModelFolderException(path, problem);
        return profile;
    }
}
