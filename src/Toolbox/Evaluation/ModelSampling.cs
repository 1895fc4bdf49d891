using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>How the model decomposes each evaluation scene.</summary>
/// <param name="Resolution">The model works at the image's aspect with about Resolution² pixels; any size, not only
/// the published 640/1024 buckets, since small trained models work at their training size. Null: at the image's own
/// size (rounded down to whole 2x2 patches of latents: 16 pixels for the published VAE).</param>
/// <param name="Prompt">The text condition; empty by default, which is what the trainer conditions on.</param>
/// <param name="StepCacheThreshold">The step cache's threshold (<see cref="DecompositionSettings.StepCacheThreshold"/>); 0 runs every block.</param>
public sealed record ModelSampling(int? Resolution = null, int Steps = ModelSampling.DefaultSteps, float GuidanceScale = 1f, ulong Seed = 0, string Prompt = "",
    float StepCacheThreshold = 0f)
{
    /// <summary>Steps of the evaluation protocol: fewer than a decomposition's default, so that many scenes are scored.</summary>
    public const int DefaultSteps = 20;

    /// <summary>The working size for an image of <paramref name="width"/>×<paramref name="height"/>, for a model whose
    /// VAE compresses by <paramref name="vaeScaleFactor"/>.</summary>
    public WorkingSize SizeFor(int width, int height, int vaeScaleFactor) =>
        WorkingSize.ForArea(width, height, Resolution is { } resolution ? (long)resolution * resolution : (long)width * height, vaeScaleFactor);
}
