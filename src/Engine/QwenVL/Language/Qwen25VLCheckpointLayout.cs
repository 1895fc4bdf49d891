using QwenLayered.Engine.Weights;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// The two key layouts of Qwen2.5-VL checkpoints: the published shards (<c>model.*</c>, <c>visual.*</c>,
/// <c>lm_head.*</c>) and what transformers ≥ 4.52 saves (<c>model.language_model.*</c>, <c>model.visual.*</c>).
/// </summary>
internal static class Qwen25VLCheckpointLayout
{
    private const string NestedLanguageModel = "model.language_model.";

    /// <summary>Whether the checkpoint uses the transformers ≥ 4.52 layout.</summary>
    public static bool IsNested(Checkpoint checkpoint) =>
        checkpoint.Tensors.Keys.Any(name => name.StartsWith(NestedLanguageModel, StringComparison.Ordinal));

    /// <summary>The prefix of the language model's parameters.</summary>
    public static string LanguageModelPrefix(Checkpoint checkpoint) => IsNested(checkpoint) ? NestedLanguageModel : "model.";

    /// <summary>The prefix of the vision tower's parameters.</summary>
    public static string VisionPrefix(Checkpoint checkpoint) => IsNested(checkpoint) ? "model.visual." : "visual.";
}
