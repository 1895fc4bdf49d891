using System.Diagnostics;
using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Training.Data;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// Runs decomposers on layered scenes whose layers are known and scores them: ground-truth layers matched to
/// predicted ones for the largest total alpha IoU, and the predicted layers stacked again against the composite.
/// References (ceilings made from the true layers) are scored the same way, as rows after the decomposers.
/// </summary>
public static class Evaluator
{
    /// <param name="onScore">Called after each scene and decomposer, for progress.</param>
    public static EvaluationReport Evaluate(IReadOnlyList<LayeredScene> scenes, IReadOnlyList<ILayerDecomposer> decomposers, string setup,
        Action<SceneScore>? onScore = null, CancellationToken cancellation = default, IReadOnlyList<ILayerReference>? references = null)
    {
        var rows = decomposers.Select(d => (d.Name, Layers: FromComposite(d)))
            .Concat((references ?? []).Select(r => (r.Name, Layers: (Func<LayeredScene, IReadOnlyList<RgbaImage>>)r.Layers)))
            .ToList();
        var scores = new List<SceneScore>();
        for (int index = 0; index < scenes.Count; index++)
        {
            foreach (var (name, layers) in rows)
            {
                cancellation.ThrowIfCancellationRequested();
                var score = Score(scenes[index], index, name, layers);
                scores.Add(score);
                onScore?.Invoke(score);
            }
        }
        var summaries = rows.Select(row => DecomposerSummary.Of(row.Name, [.. scores.Where(s => s.Decomposer == row.Name)])).ToList();
        return new EvaluationReport(setup, summaries, scores);
    }

    public static SceneScore Score(LayeredScene scene, int index, ILayerDecomposer decomposer) =>
        Score(scene, index, decomposer.Name, FromComposite(decomposer));

    // A decomposer sees only the composite and the true layer count.
    private static Func<LayeredScene, IReadOnlyList<RgbaImage>> FromComposite(ILayerDecomposer decomposer) =>
        scene => decomposer.Decompose(new RgbaImage(scene.Width, scene.Height, scene.Composite), scene.Layers.Count);

    private static SceneScore Score(LayeredScene scene, int index, string name, Func<LayeredScene, IReadOnlyList<RgbaImage>> decompose)
    {
        var clock = Stopwatch.StartNew();
        var predicted = decompose(scene);
        double seconds = clock.Elapsed.TotalSeconds;
        // Bilinear, which never overshoots, so resized alpha masks do not ring at their edges.
        var layers = predicted.Select(layer => ImageResize.Stretch(layer, scene.Width, scene.Height, KnownResamplers.Triangle).Pixels).ToList();

        var iou = new double[scene.Layers.Count, layers.Count];
        for (int t = 0; t < scene.Layers.Count; t++)
            for (int p = 0; p < layers.Count; p++)
                iou[t, p] = LayerMetrics.AlphaIoU(scene.Layers[t].Pixels, layers[p]);
        var match = LayerMatching.Best(iou);
        var layerIoU = match.Select((p, t) => p < 0 ? 0 : iou[t, p]).ToList();
        // Everything in front, whichever layers it is in: the predicted layers but the one matched to the bottom layer.
        int length = scene.Width * scene.Height * 4;
        double? mergedForeground = scene.Layers.Count > 1
            ? LayerMetrics.AlphaIoU(
                LayerMetrics.MergedAlpha([.. scene.Layers.Skip(1).Select(layer => layer.Pixels)], length),
                LayerMetrics.MergedAlpha([.. layers.Where((_, p) => p != match[0])], length))
            : null;

        double psnr = LayerMetrics.RgbPsnr(LayerCompositor.Over(layers, scene.Width, scene.Height), scene.Composite);
        return new SceneScore(index, name, layers.Count, layerIoU, layerIoU.Average(),
            layerIoU.Count > 1 ? layerIoU.Skip(1).Average() : null, mergedForeground, psnr, seconds);
    }
}
