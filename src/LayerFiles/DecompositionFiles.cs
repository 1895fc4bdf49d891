using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Writes a decomposition to a folder: <c>layer-1.png</c> … <c>layer-N.png</c> (bottom to top, each cropped to what the
/// layer covers, its offset on the canvas in the manifest), <c>composite.png</c>
/// (the layers stacked again), the same layers as one layered file for editors, <c>layers.psd</c> (Photoshop) and
/// <c>layers.ora</c> (OpenRaster, for Krita and GIMP), and <c>layers.json</c> (order, names, bounds, the files,
/// settings, timings).
/// </summary>
public static class DecompositionFiles
{
    public const string ManifestName = "layers.json";
    public const string CompositeName = "composite.png";
    public const string PsdName = "layers.psd";
    public const string OraName = "layers.ora";

    public static string LayerFileName(int index) => $"layer-{index + 1}.png";

    public static void Write(string folder, string source, DecompositionRequest request, DecompositionResult result, bool sixteenBit)
    {
        Directory.CreateDirectory(folder);
        var document = Document(result, sixteenBit);
        var layers = new List<LayerEntry>();
        foreach (var (layer, placed) in result.Layers.Zip(document.Layers))
        {
            string file = LayerFileName(layer.Index);
            File.WriteAllBytes(Path.Combine(folder, file), LayerFilePng.Encode(placed));
            layers.Add(new LayerEntry(layer.Index, placed.Name, file, layer.X, layer.Y, layer.Width, layer.Height, layer.CanvasBounds()));
        }
        File.WriteAllBytes(Path.Combine(folder, CompositeName), LayerPng.Encode8(document.Composite(), result.Width, result.Height));
        LayeredPsd.Write(Path.Combine(folder, PsdName), document);
        OpenRaster.Write(Path.Combine(folder, OraName), document);

        var manifest = new Manifest(
            source, result.Width, result.Height, "bottom-to-top", layers, CompositeName, PsdName, OraName,
            new SettingsEntry(result.Prompt ?? request.Prompt, result.Captioned, request.NegativePrompt, request.Resolution,
                request.Settings.AutomaticLayers ? result.Layers.Count : request.Settings.Layers, request.Settings.AutomaticLayers, request.Settings.Steps,
                request.Settings.GuidanceScale, request.Settings.NormalizeGuidance, request.Settings.Seed, sixteenBit ? 16 : 8,
                request.Settings.StepCacheThreshold, result.CachedSteps),
            result.Timings.ToDictionary(t => t.Phase, t => Math.Round(t.Duration.TotalSeconds, 3)));
        File.WriteAllText(Path.Combine(folder, ManifestName), JsonSerializer.Serialize(manifest, JsonOptions));
    }

    // The layers as they are placed, sharing the result's pixels: no layer is copied onto a canvas of its own.
    private static PlacedDocument Document(DecompositionResult result, bool sixteenBit) => new(result.Width, result.Height, [.. result.Layers.Select(layer =>
        new PlacedLayer(DecompositionPolicy.LayerName(layer), layer.X, layer.Y, layer.Width, layer.Height, layer.Rgba8)
        {
            Rgba16 = sixteenBit ? layer.Rgba16 : null,
        })]);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record Manifest(string Source, int Width, int Height, string Order, IReadOnlyList<LayerEntry> Layers,
        string Composite, string Psd, string Ora, SettingsEntry Settings, IReadOnlyDictionary<string, double> TimingsSeconds);

    /// <param name="X">Where the file's pixels go on the canvas, with <paramref name="Y"/>.</param>
    /// <param name="Bounds">The box of the layer's non-transparent pixels on the canvas; null when it has none.</param>
    private sealed record LayerEntry(int Index, string Name, string File, int X, int Y, int Width, int Height, AlphaBounds? Bounds);

    // With automatic layers, Layers is the count kept.
    private sealed record SettingsEntry(string Prompt, bool Captioned, string? NegativePrompt, int Resolution, int Layers, bool AutomaticLayers, int Steps,
        float GuidanceScale, bool NormalizeGuidance, ulong Seed, int BitsPerChannel, float StepCacheThreshold, int CachedSteps);
}
