using QwenLayered.Engine.Imaging;
using QwenLayered.LayerFiles;

namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// Turns PSD files into layered-scene folders (<see cref="SceneFolder"/>) for training: one folder per file, named
/// after it, holding the visible layers bottom to top and their composite stacked again with
/// <see cref="LayerCompositor.Over"/> (not the file's own composite, so layers and composite always agree).
/// Hidden layers are dropped; a file with more than <see cref="MaxLayers"/> visible layers is skipped, since the
/// model trains on a few layers at a time.
/// </summary>
/// <param name="side">When set, each scene is fitted into a side×side square (<see cref="SquareFit"/>).</param>
public sealed class PsdSceneImporter(PsdReadLimits limits, int? side)
{
    public const int MaxLayers = 8;

    /// <summary>The file itself, or the <c>.psd</c> files directly inside a folder, in name order.</summary>
    public static IReadOnlyList<string> FindPsdFiles(string fileOrFolder) =>
        Directory.Exists(fileOrFolder)
            ? [.. Directory.EnumerateFiles(fileOrFolder).Where(f => f.EndsWith(".psd", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)]
            : [fileOrFolder];

    /// <summary>Imports each file into <c>outputFolder/&lt;file name&gt;</c>; a file that fails is reported and the rest go on.</summary>
    public PsdImportReport ImportAll(IEnumerable<string> psdFiles, string outputFolder)
    {
        var written = new List<string>();
        var skipped = new List<PsdImportSkip>();
        foreach (string file in psdFiles)
        {
            try
            {
                string folder = Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(file));
                SceneFolder.Write(folder, ToScene(LayeredPsd.Read(file, limits), file));
                written.Add(folder);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                skipped.Add(new PsdImportSkip(file, e.Message));
            }
        }
        return new PsdImportReport(written, skipped);
    }

    public LayeredScene ToScene(LayeredDocument document, string file)
    {
        var visible = document with { Layers = [.. document.Layers.Where(l => l.Visible)] };
        if (visible.Layers.Count == 0)
            throw new InvalidDataException($"{file} has no visible layers.");
        if (visible.Layers.Count > MaxLayers)
            throw new InvalidDataException($"{file} has {visible.Layers.Count} visible layers; at most {MaxLayers} are imported.");
        var fitted = side is { } s ? SquareFit.Apply(visible, s) : visible;
        return new LayeredScene(fitted.Width, fitted.Height, [.. fitted.Layers.Select(l => new SceneLayer(l.Name, l.Rgba8))], fitted.Composite());
    }
}
