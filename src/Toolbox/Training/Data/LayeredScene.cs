namespace QwenLayered.Toolbox.Training.Data;

/// <summary>One named straight-alpha RGBA layer of a scene, width·height·4 bytes.</summary>
public sealed record SceneLayer(string Name, byte[] Pixels);

/// <summary>
/// A training sample in the shape the paper's PSD extraction produces: RGBA layers bottom to top and their composite
/// (the layers stacked with <see cref="Imaging.LayerCompositor.Over"/>), which is what the model sees as its input.
/// </summary>
public sealed record LayeredScene(int Width, int Height, IReadOnlyList<SceneLayer> Layers, byte[] Composite);
