using System.Text.Json.Serialization;
using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// <c>manifest.json</c> of a scene folder: the size, the composite's file and each layer's name, file, stacking order
/// (1 = bottom-most) and alpha bounds (null for a fully transparent layer).
/// </summary>
public sealed record SceneManifest(
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("height")] int Height,
    [property: JsonPropertyName("composite")] string Composite,
    [property: JsonPropertyName("layers")] IReadOnlyList<SceneManifestLayer> Layers);

public sealed record SceneManifestLayer(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("order")] int Order,
    [property: JsonPropertyName("bounds")] AlphaBounds? Bounds);
