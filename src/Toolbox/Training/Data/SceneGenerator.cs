using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// Procedural layered scenes, deterministic by seed: an opaque background, then 1–3 layers of shapes, strokes and
/// glyph blocks (2–4 layers in all) that overlap one another, and the composite of them all.
/// </summary>
public static class SceneGenerator
{
    public const int MinLayers = 2;
    public const int MaxLayers = 4;

    public static LayeredScene Generate(int seed, int width, int height)
    {
        var random = new Random(seed);
        int count = MinLayers + random.Next(MaxLayers - MinLayers + 1);
        var layers = new List<SceneLayer> { new("background", Backgrounds.Paint(random, width, height)) };
        for (int i = 1; i < count; i++)
        {
            var canvas = new LayerCanvas(width, height);
            var kinds = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => SceneElements.Paint(canvas, random)).ToList();
            layers.Add(new SceneLayer($"{string.Join(" and ", kinds.Distinct())} {i}", canvas.Pixels));
        }
        return new LayeredScene(width, height, layers, LayerCompositor.Over([.. layers.Select(l => l.Pixels)], width, height));
    }

    /// <summary><paramref name="count"/> scenes with seeds <paramref name="seed"/>, <paramref name="seed"/>+1, …</summary>
    public static IReadOnlyList<LayeredScene> Generate(int seed, int count, int width, int height) =>
        [.. Enumerable.Range(0, count).Select(i => Generate(seed + i, width, height))];
}
