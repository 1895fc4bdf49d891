using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Training.Data;

public class SceneFolderTests
{
    [Fact]
    public void Read_WrittenScene_SameLayersNamesAndComposite()
    {
        using var folder = new TempFolder();
        var scene = SceneGenerator.Generate(seed: 3, 32, 16);

        SceneFolder.Write(folder.Path, scene);
        var read = SceneFolder.Read(folder.Path);

        Assert.Equal((32, 16), (read.Width, read.Height));
        Assert.Equal(scene.Composite, read.Composite);
        Assert.Equal(scene.Layers.Select(l => l.Name), read.Layers.Select(l => l.Name));
        Assert.All(scene.Layers.Zip(read.Layers), pair => Assert.Equal(pair.First.Pixels, pair.Second.Pixels));
    }

    [Fact]
    public void Write_Scene_ManifestListsFilesOrderAndAlphaBounds()
    {
        using var folder = new TempFolder();
        var scene = SceneGenerator.Generate(seed: 4, 32, 32);

        SceneFolder.Write(folder.Path, scene);
        var manifest = SceneFolder.ReadManifest(folder.Path);

        Assert.Equal("composite.png", manifest.Composite);
        Assert.Equal(Enumerable.Range(1, scene.Layers.Count), manifest.Layers.Select(l => l.Order));
        Assert.Equal(Enumerable.Range(1, scene.Layers.Count).Select(i => $"layer-{i}.png"), manifest.Layers.Select(l => l.File));
        Assert.Equal(scene.Layers.Select(l => AlphaBounds.Of(l.Pixels, 32, 32)), manifest.Layers.Select(l => l.Bounds));
        Assert.All(manifest.Layers, layer => Assert.True(File.Exists(Path.Combine(folder.Path, layer.File))));
        string json = File.ReadAllText(folder.File(SceneFolder.ManifestFile));
        Assert.Contains("\"layers\"", json);
        Assert.Contains("\"bounds\"", json);
    }

    [Fact]
    public void ReadAll_SceneFolders_InNameOrder()
    {
        using var folder = new TempFolder();
        SceneFolder.Write(folder.File("b"), SceneGenerator.Generate(seed: 2, 16, 16));
        SceneFolder.Write(folder.File("a"), SceneGenerator.Generate(seed: 1, 16, 16));
        Directory.CreateDirectory(folder.File("not-a-scene"));

        var scenes = SceneFolder.ReadAll(folder.Path);

        Assert.Equal([SceneGenerator.Generate(seed: 1, 16, 16).Composite, SceneGenerator.Generate(seed: 2, 16, 16).Composite], scenes.Select(s => s.Composite));
    }
}
