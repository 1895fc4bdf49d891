using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>Anything that splits a flat image into RGBA layers: the model, or a baseline it is compared with.</summary>
public interface ILayerDecomposer
{
    /// <summary>The name reports show.</summary>
    string Name { get; }

    /// <summary>
    /// Straight-alpha RGBA layers, bottom to top. They may be at another size than <paramref name="image"/> (the model
    /// answers at its working size); the evaluator resizes them.
    /// </summary>
    /// <param name="layers">How many layers to produce (the ground truth's count).</param>
    IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int layers);
}
