using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// The do-nothing baseline: the image itself as one layer, whatever the requested count. It recomposites the image
/// exactly and matches an opaque background, so any useful decomposer must beat it on the foreground layers.
/// </summary>
public sealed class SingleLayerBaseline : ILayerDecomposer
{
    public string Name => "single layer";

    public IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int layers) => [image];
}
