using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Evaluation;

/// <summary>A perfect decomposer for known scenes: answers each scene's composite with its true layers.</summary>
internal sealed class GroundTruthDecomposer(IReadOnlyList<LayeredScene> scenes) : ILayerDecomposer
{
    public string Name => "ground truth";

    public IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int layers)
    {
        var scene = scenes.Single(s => s.Composite.AsSpan().SequenceEqual(image.Pixels));
        return [.. scene.Layers.Select(layer => new RgbaImage(scene.Width, scene.Height, layer.Pixels))];
    }
}
