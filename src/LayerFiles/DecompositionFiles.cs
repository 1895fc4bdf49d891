using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Writes a decomposition to a folder: <c>layer-1.png</c> … <c>layer-N.png</c> (bottom to top), <c>composite.png</c>
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
        var layers = new List<LayerEntry>();
        foreach (var layer in result.Layers)
        {
            string file = LayerFileName(layer.Index);
            byte[] png = sixteenBit && layer.Rgba16 is { } deep
                ? LayerPng.Encode16(deep, layer.Width, layer.Height)
                : LayerPng.Encode8(layer.Rgba8, layer.Width, layer.Height);
            File.WriteAllBytes(Path.Combine(folder, file), png);
            var bounds = AlphaBounds.Of(layer.Rgba8, layer.Width, layer.Height);
            layers.Add(new LayerEntry(layer.Index, DecompositionPolicy.LayerName(layer), file, bounds));
        }
        var document = new LayeredDocument(result.Width, result.Height, [.. result.Layers.Zip(layers, (layer, entry) => new DocumentLayer(entry.Name, layer.Rgba8))]);
        File.WriteAllBytes(Path.Combine(folder, CompositeName), LayerPng.Encode8(document.Composite(), result.Width, result.Height));
        LayeredPsd.Write(Path.Combine(folder, PsdName), document);
        OpenRaster.Write(Path.Combine(folder, OraName), document);

        var manifest = new Manifest(
            source, result.Width, result.Height, "bottom-to-top", layers, CompositeName, PsdName, OraName,
            new SettingsEntry(result.Prompt ?? request.Prompt, result.Captioned, request.NegativePrompt, request.Resolution,
                request.Settings.AutomaticLayers ? result.Layers.Count : request.Settings.Layers, request.Settings.AutomaticLayers, request.Settings.Steps,
                request.Settings.GuidanceScale, request.Settings.NormalizeGuidance, request.Settings.Seed, sixteenBit ? 16 : 8),
            result.Timings.ToDictionary(t => t.Phase, t => Math.Round(t.Duration.TotalSeconds, 3)));
        File.WriteAllText(Path.Combine(folder, ManifestName), JsonSerializer.Serialize(manifest, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record Manifest(string Source, int Width, int Height, string Order, IReadOnlyList<LayerEntry> Layers,
        string Composite, string Psd, string Ora, SettingsEntry Settings, IReadOnlyDictionary<string, double> TimingsSeconds);

    private sealed record LayerEntry(int Index, string Name, string File, AlphaBounds? Bounds);

    // With automatic layers, Layers is the count kept.
    private sealed record SettingsEntry(string Prompt, bool Captioned, string? NegativePrompt, int Resolution, int Layers, bool AutomaticLayers, int Steps,
        float GuidanceScale, bool NormalizeGuidance, ulong Seed, int BitsPerChannel);
}
