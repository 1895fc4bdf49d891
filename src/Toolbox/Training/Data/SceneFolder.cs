using System.Text.Json;
using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// Reads and writes the layered-scene format: one folder per sample with <c>layer-1.png</c> … <c>layer-N.png</c>
/// (bottom to top), <c>composite.png</c> and <c>manifest.json</c>.
/// </summary>
public static class SceneFolder
{
    public const string ManifestFile = "manifest.json";
    public const string CompositeFile = "composite.png";

    private const long MaxPixels = 16L * 1024 * 1024;
    private const long MaxFileBytes = 256L * 1024 * 1024;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string folder, LayeredScene scene)
    {
        Directory.CreateDirectory(folder);
        var layers = scene.Layers.Select((layer, index) =>
        {
            string file = $"layer-{index + 1}.png";
            File.WriteAllBytes(Path.Combine(folder, file), LayerPng.Encode8(layer.Pixels, scene.Width, scene.Height));
            return new SceneManifestLayer(layer.Name, file, index + 1, AlphaBounds.Of(layer.Pixels, scene.Width, scene.Height));
        }).ToList();
        File.WriteAllBytes(Path.Combine(folder, CompositeFile), LayerPng.Encode8(scene.Composite, scene.Width, scene.Height));
        var manifest = new SceneManifest(scene.Width, scene.Height, CompositeFile, layers);
        File.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Indented));
    }

    public static SceneManifest ReadManifest(string folder) =>
        JsonSerializer.Deserialize<SceneManifest>(File.ReadAllText(Path.Combine(folder, ManifestFile)))
        ?? throw new InvalidDataException($"{Path.Combine(folder, ManifestFile)} is empty.");

    public static LayeredScene Read(string folder)
    {
        var manifest = ReadManifest(folder);
        var layers = manifest.Layers.OrderBy(layer => layer.Order)
            .Select(layer => new SceneLayer(layer.Name, ReadPixels(folder, layer.File, manifest))).ToList();
        return new LayeredScene(manifest.Width, manifest.Height, layers, ReadPixels(folder, manifest.Composite, manifest));
    }

    /// <summary>Every scene folder directly under <paramref name="root"/> (those with a manifest), in name order.</summary>
    public static IReadOnlyList<LayeredScene> ReadAll(string root) =>
        [.. Directory.GetDirectories(root).Where(dir => File.Exists(Path.Combine(dir, ManifestFile))).Order(StringComparer.Ordinal).Select(Read)];

    private static byte[] ReadPixels(string folder, string file, SceneManifest manifest)
    {
        var image = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(folder, file)), MaxPixels, MaxFileBytes);
        if (image.Width != manifest.Width || image.Height != manifest.Height)
            throw new InvalidDataException($"{Path.Combine(folder, file)} is {image.Width}x{image.Height}; the manifest says {manifest.Width}x{manifest.Height}.");
        return image.Pixels;
    }
}
