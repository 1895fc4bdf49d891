using QwenLayered.Engine.Elements;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// Measures the automatic layer count on scenes whose layers are known: the model's own choice
/// (<see cref="LayeredModel.ChooseLayerCount"/>, which asks the captioner when the model has one), each image
/// heuristic alone, and the fixed default every request got before, each seeing the composite at the model's working
/// size and bounded by the policy as a request is.
/// </summary>
public static class LayerCountEvaluation
{
    public static IReadOnlyList<LayerCountScore> Evaluate(LayeredModel model, IReadOnlyList<LayeredScene> scenes,
        Action<int, LayerCountChoice>? onScene = null, CancellationToken cancellation = default)
    {
        var policy = model.Policy;
        int most = policy.Limits.MaxLayers;
        var chosen = new List<LayerCountChoice>();
        var regions = new List<int>();
        var clusters = new List<int>();
        for (int index = 0; index < scenes.Count; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            var scene = scenes[index];
            var image = ImagePreprocessing.ToWorkingSize(new RgbaImage(scene.Width, scene.Height, scene.Composite),
                policy.WorkingSize(scene.Width, scene.Height, 0));
            var choice = model.ChooseLayerCount(image, CaptionLanguage.English, most, cancellation);
            chosen.Add(choice);
            regions.Add(DecompositionPolicy.AutomaticLayerCount(ColourRegions.Count(image), most));
            clusters.Add(DecompositionPolicy.AutomaticLayerCount(ColourClusters.Count(image), most));
            onScene?.Invoke(index, choice);
        }
        return
        [
            LayerCountScore.Of($"always {DecompositionPolicy.DefaultLayers} (the default)", scenes, [.. scenes.Select(_ => DecompositionPolicy.DefaultLayers)]),
            LayerCountScore.Of("colour regions (image heuristic)", scenes, regions),
            LayerCountScore.Of("colour clusters (image heuristic)", scenes, clusters),
            LayerCountScore.Of($"automatic ({(model.Captioner is null ? "no captioner: colour regions" : "captioner, else colour regions")})",
                scenes, [.. chosen.Select(c => c.Layers)], chosen.Count(c => c.FromModel)),
        ];
    }
}
