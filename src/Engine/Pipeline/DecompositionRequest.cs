using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// A checked request, from the service (or the CLI) to the engine: the image (still encoded until it runs, when it
/// came as a file), what it shows (empty: the model captions the image itself, see <see cref="DecompositionPolicy"/>),
/// the working size and the sampling settings, every default filled in. <see cref="DecompositionPolicy.Request"/>
/// sizes one.
/// </summary>
public sealed record DecompositionRequest(InputImage Image, WorkingSize Size, string Prompt, DecompositionSettings Settings)
{
    /// <summary>The negative prompt; null turns true guidance off.</summary>
    public string? NegativePrompt { get; init; } = DecompositionPolicy.DefaultNegativePrompt;

    /// <summary>The resolution <see cref="Size"/> was computed for: the output layers have about resolution² pixels.</summary>
    public int Resolution { get; init; }

    /// <summary>The language of the automatic caption when the prompt is empty.</summary>
    public CaptionLanguage CaptionLanguage { get; init; } = CaptionLanguage.English;
}
