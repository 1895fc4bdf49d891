using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Training.Data;

public class SceneGeneratorTests
{
    [Fact]
    public void Generate_SameSeed_SameBytes()
    {
        var first = SceneGenerator.Generate(seed: 5, 48, 32);
        var second = SceneGenerator.Generate(seed: 5, 48, 32);

        Assert.Equal(first.Composite, second.Composite);
        Assert.Equal(first.Layers.Select(l => l.Name), second.Layers.Select(l => l.Name));
        Assert.All(first.Layers.Zip(second.Layers), pair => Assert.Equal(pair.First.Pixels, pair.Second.Pixels));
    }

    [Fact]
    public void Generate_DifferentSeeds_DifferentScenes()
    {
        Assert.NotEqual(SceneGenerator.Generate(seed: 5, 32, 32).Composite, SceneGenerator.Generate(seed: 6, 32, 32).Composite);
    }

    [Fact]
    public void Generate_AnySeed_CompositeIsTheLayersStackedOver()
    {
        foreach (var scene in SceneGenerator.Generate(seed: 0, count: 8, 32, 32))
            Assert.Equal(LayerCompositor.Over([.. scene.Layers.Select(l => l.Pixels)], 32, 32), scene.Composite);
    }

    [Fact]
    public void Generate_ManySeeds_TwoToFourLayersOverAnOpaqueBackground()
    {
        var scenes = SceneGenerator.Generate(seed: 100, count: 24, 32, 32);

        Assert.All(scenes, scene => Assert.InRange(scene.Layers.Count, SceneGenerator.MinLayers, SceneGenerator.MaxLayers));
        Assert.All(scenes, scene => Assert.All(scene.Composite.Where((_, i) => i % 4 == 3), alpha => Assert.Equal(255, alpha)));
        Assert.Equal([2, 3, 4], scenes.Select(s => s.Layers.Count).Distinct().Order());
        // Soft edges and strokes leave partial alpha on some upper layer.
        Assert.Contains(scenes.SelectMany(s => s.Layers.Skip(1)), layer => layer.Pixels.Where((_, i) => i % 4 == 3).Any(a => a is > 0 and < 255));
    }
}
