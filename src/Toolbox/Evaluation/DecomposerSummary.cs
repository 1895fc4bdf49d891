namespace QwenLayered.Toolbox.Evaluation;

/// <summary>One decomposer's scores over the whole evaluation set.</summary>
/// <param name="MeanIoU">Mean over scenes of the per-scene mean IoU of all ground-truth layers.</param>
/// <param name="ForegroundIoU">The same over the layers above the background (null when no scene has any): the
/// opaque background matches any full-canvas layer, so this is the score that tells decomposers apart.</param>
/// <param name="MergedForegroundIoU">The mean of the scenes' <see cref="SceneScore.MergedForegroundIoU"/> (null when no
/// scene has layers in front): well above <paramref name="ForegroundIoU"/> when what lies in front is found but split
/// into the wrong layers.</param>
/// <param name="MeanPsnr">Mean recomposite PSNR over the scenes that were not recomposited exactly; null when all were.</param>
/// <param name="LosslessScenes">Scenes whose layers recomposite to exactly the composite (PSNR +∞).</param>
public sealed record DecomposerSummary(
    string Decomposer, int Scenes, double MeanIoU, double? ForegroundIoU, double? MergedForegroundIoU, double? MeanPsnr, int LosslessScenes, double SecondsPerScene)
{
    public static DecomposerSummary Of(string decomposer, IReadOnlyList<SceneScore> scores)
    {
        var finitePsnr = scores.Select(s => s.RecompositePsnr).Where(double.IsFinite).ToList();
        return new DecomposerSummary(
            decomposer,
            scores.Count,
            scores.Count == 0 ? 0 : scores.Average(s => s.MeanIoU),
            MeanOfScored(scores.Select(s => s.ForegroundIoU)),
            MeanOfScored(scores.Select(s => s.MergedForegroundIoU)),
            finitePsnr.Count == 0 ? null : finitePsnr.Average(),
            scores.Count(s => double.IsPositiveInfinity(s.RecompositePsnr)),
            scores.Count == 0 ? 0 : scores.Average(s => s.Seconds));
    }

    // The mean over the scenes that have the score (one-layer scenes have no foreground); null when none has it.
    private static double? MeanOfScored(IEnumerable<double?> values)
    {
        var scored = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        return scored.Count == 0 ? null : scored.Average();
    }
}
