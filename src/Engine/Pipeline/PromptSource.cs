using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The prompt a decomposition runs with: the user's text, or, when it is missing, empty or a single space (the
/// reference's test), a Qwen2.5-VL caption of the image at its working size (spec 2.4). The caption is returned so
/// callers can show it and let the user edit it.
/// </summary>
public static class PromptSource
{
    public static bool NeedsCaption(string? prompt) => prompt is null or "" or " ";

    /// <summary>The prompt text, and the caption when one was made (null when the user gave a prompt).</summary>
    public static (string Prompt, CaptionResult? Caption) Resolve(string? prompt, RgbaImage image, WorkingSize size,
        Captioner captioner, CaptionLanguage language, CancellationToken cancellation = default, Action<CaptionProgress>? progress = null)
    {
        if (!NeedsCaption(prompt)) return (prompt!, null);
        var caption = captioner.Caption(ImagePreprocessing.ToWorkingSize(image, size), language, cancellation, progress);
        return (caption.Text, caption);
    }
}
