using QwenLayered.Engine.Weights;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// Strict loading of a Qwen2.5-VL checkpoint into <see cref="Qwen25VLTextModel"/>. Published shards name the language
/// model <c>model.*</c>; transformers ≥ 4.52 saves it as <c>model.language_model.*</c>: either layout loads. The parts
/// the text-only path does not use (<c>lm_head</c>, the vision tower) are recognised and skipped; any other name that
/// does not match, and any parameter left unfilled, fails the load.
/// </summary>
internal static class TextEncoderWeights
{
    private static readonly string[] UnusedParts = ["lm_head.", "visual.", "model.visual."];

    /// <summary>Fills every parameter of <paramref name="model"/> from <paramref name="checkpoint"/>, one tensor at a time.</summary>
    public static void Load(Qwen25VLTextModel model, Checkpoint checkpoint)
    {
        string prefix = Qwen25VLCheckpointLayout.LanguageModelPrefix(checkpoint);
        model.LoadMapped(checkpoint, name => prefix + name,
            name => UnusedParts.Any(part => name.StartsWith(part, StringComparison.Ordinal)),
            $"the text encoder ({prefix}* layout)");
    }
}
