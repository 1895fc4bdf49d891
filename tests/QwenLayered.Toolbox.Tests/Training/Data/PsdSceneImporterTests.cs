using ImageMagick;
using QwenLayered.Engine.Imaging;
using QwenLayered.LayerFiles;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Training.Data;

public class PsdSceneImporterTests : IDisposable
{
    private readonly TempFolder _temp = new();

    /// <summary>
    /// A PSD made with ImageMagick directly, not with <see cref="LayeredPsd.Write"/>: a red composite (deliberately
    /// not the layers' stack), a blue 8×6 background, and a half-transparent green 3×2 "Label" at (4, 3).
    /// </summary>
    private string MagickBuiltPsd(string name)
    {
        string path = _temp.File(name);
        using var frames = new MagickImageCollection();
        frames.Add(new MagickImage(MagickColors.Red, 8, 6));
        frames.Add(new MagickImage(MagickColors.Blue, 8, 6) { Label = "Background" });
        frames.Add(new MagickImage(new MagickColor(0, 255, 0, 128), 3, 2) { Label = "Label", Page = new MagickGeometry(4, 3, 3, 2) });
        frames.Write(path, MagickFormat.Psd);
        return path;
    }

    [Fact]
    public void ImportAll_MagickBuiltPsd_WritesTheLayersBottomToTopAndTheirOwnComposite()
    {
        string output = _temp.File("scenes");

        var report = new PsdSceneImporter(PsdReadLimits.Default, side: null).ImportAll([MagickBuiltPsd("poster.psd")], output);

        Assert.Equal([Path.Combine(output, "poster")], report.SceneFolders);
        Assert.Empty(report.Skipped);
        var scene = SceneFolder.Read(Path.Combine(output, "poster"));
        Assert.Equal((8, 6), (scene.Width, scene.Height));
        Assert.Equal(["Background", "Label"], scene.Layers.Select(l => l.Name));
        Assert.Equal([0, 0, 255, 255], scene.Layers[0].Pixels[..4]);
        int inside = (4 * 8 + 5) * 4, outside = (2 * 8 + 5) * 4;
        Assert.Equal([0, 255, 0, 128], scene.Layers[1].Pixels[inside..(inside + 4)]);
        Assert.Equal(0, scene.Layers[1].Pixels[outside + 3]);
        Assert.Equal(LayerCompositor.Over([.. scene.Layers.Select(l => l.Pixels)], 8, 6), scene.Composite);
    }

    [Fact]
    public void ImportAll_NotAPsd_IsSkippedWithItsNameAndTheOthersAreImported()
    {
        string broken = _temp.File("broken.psd");
        File.WriteAllText(broken, "not a psd");
        string output = _temp.File("scenes");

        var report = new PsdSceneImporter(PsdReadLimits.Default, side: null).ImportAll([broken, MagickBuiltPsd("good.psd")], output);

        Assert.Equal([Path.Combine(output, "good")], report.SceneFolders);
        var skip = Assert.Single(report.Skipped);
        Assert.Equal(broken, skip.File);
        Assert.Contains("broken.psd is not a PSD file", skip.Reason);
    }

    [Fact]
    public void ToScene_HiddenLayer_IsLeftOut()
    {
        var document = new LayeredDocument(2, 1,
        [
            new DocumentLayer("Paper", TestLayers.Opaque(2, 1)),
            new DocumentLayer("Draft", TestLayers.Opaque(2, 1), Visible: false),
            new DocumentLayer("Ink", TestLayers.Patch(2, 1, 1, 0, 1, 1, 9, 9, 9)),
        ]);

        var scene = new PsdSceneImporter(PsdReadLimits.Default, side: null).ToScene(document, "doc.psd");

        Assert.Equal(["Paper", "Ink"], scene.Layers.Select(l => l.Name));
    }

    [Fact]
    public void ToScene_MoreVisibleLayersThanTheLimit_IsRefusedWithTheCount()
    {
        var layers = Enumerable.Range(0, PsdSceneImporter.MaxLayers + 1).Select(i => new DocumentLayer($"L{i}", TestLayers.Opaque(2, 2))).ToList();

        var error = Assert.Throws<InvalidDataException>(() =>
            new PsdSceneImporter(PsdReadLimits.Default, side: null).ToScene(new LayeredDocument(2, 2, layers), "busy.psd"));

        Assert.Contains($"busy.psd has {PsdSceneImporter.MaxLayers + 1} visible layers", error.Message);
    }

    [Fact]
    public void ToScene_WithSide_FitsTheSceneIntoThatSquare()
    {
        var document = new LayeredDocument(40, 20,
            [new DocumentLayer("Paper", TestLayers.Opaque(40, 20)), new DocumentLayer("Ink", TestLayers.Patch(40, 20, 10, 5, 8, 8, 50, 60, 70))]);

        var scene = new PsdSceneImporter(PsdReadLimits.Default, side: 16).ToScene(document, "wide.psd");

        Assert.Equal((16, 16), (scene.Width, scene.Height));
        Assert.All(scene.Layers, l => Assert.Equal(16 * 16 * 4, l.Pixels.Length));
        Assert.Equal(LayerCompositor.Over([.. scene.Layers.Select(l => l.Pixels)], 16, 16), scene.Composite);
    }

    public void Dispose() => _temp.Dispose();
}
