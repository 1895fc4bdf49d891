using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// What a user asks for: an image, what it shows (empty: the model captions the image itself), the resolution bucket
/// and the sampling settings.
/// </summary>
public sealed record DecompositionRequest(RgbaImage Image, string Prompt, DecompositionSettings Settings)
{
    /// <summary>The negative prompt; the published recommendation " " turns true guidance on.</summary>
    public string? NegativePrompt { get; init; } = PromptTemplate.DefaultNegativePrompt;

    /// <summary>One of the model's resolutions (640 or 1024 for the published one), 0 for the model's default: the output layers have about resolution² pixels.</summary>
    public int Resolution { get; init; }

    /// <summary>The working size to use instead of <see cref="Resolution"/>'s; tiny test models and load checks use small ones.</summary>
    public WorkingSize? Size { get; init; }

    /// <summary>The language of the automatic caption when the prompt is empty.</summary>
    public CaptionLanguage CaptionLanguage { get; init; } = CaptionLanguage.English;
}
