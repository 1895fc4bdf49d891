using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// A row of the report made from the true layers rather than from the image: not a contender but a ceiling, such as
/// what is left of the true layers after the model's VAE, which every layer the model outputs passes through.
/// </summary>
public interface ILayerReference
{
    /// <summary>The name reports show; it says that the row uses the true layers.</summary>
    string Name { get; }

    /// <summary>Straight-alpha RGBA layers, bottom to top, made from <paramref name="scene"/>'s true layers.</summary>
    IReadOnlyList<RgbaImage> Layers(LayeredScene scene);
}
