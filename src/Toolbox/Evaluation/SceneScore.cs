namespace QwenLayered.Toolbox.Evaluation;

/// <summary>How one decomposer did on one scene.</summary>
/// <param name="Scene">The scene's index in the evaluation set.</param>
/// <param name="LayerIoU">Each ground-truth layer's IoU with its matched predicted layer (0 when unmatched), bottom to top.</param>
/// <param name="MeanIoU">The mean of <paramref name="LayerIoU"/>.</param>
/// <param name="ForegroundIoU">The mean over the layers above the bottom one; null for a one-layer scene.</param>
/// <param name="MergedForegroundIoU">IoU of the layers above the bottom one merged into one mask against the predicted
/// layers but the one matched to the bottom layer, merged too: whether what lies in front was found, in whichever
/// layers; null for a one-layer scene.</param>
/// <param name="RecompositePsnr">RGB PSNR (dB) of the predicted layers stacked against the scene's composite; +∞ when exact.</param>
/// <param name="Seconds">Time the decomposer took on this scene.</param>
public sealed record SceneScore(
    int Scene, string Decomposer, int PredictedLayers, IReadOnlyList<double> LayerIoU, double MeanIoU, double? ForegroundIoU,
    double? MergedForegroundIoU, double RecompositePsnr, double Seconds);
