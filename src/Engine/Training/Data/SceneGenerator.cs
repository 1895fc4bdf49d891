using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Training.Data;

/// <summary>
/// Procedural layered scenes, deterministic by seed: an opaque background, then 1–3 layers (2–4 in all) of one or two
/// overlapping elements each, one kind per layer stacked in <see cref="SceneElements.Kinds"/> order (shapes, strokes,
/// text), and the composite of them all.
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
        var kinds = SceneElements.Kinds.ToList();
        while (kinds.Count > count - 1) kinds.RemoveAt(random.Next(kinds.Count));
        foreach (var kind in kinds)
        {
            var canvas = new LayerCanvas(width, height);
            for (int i = 0, elements = 1 + random.Next(2); i < elements; i++) SceneElements.Paint(canvas, random, kind);
            layers.Add(new SceneLayer(kind, canvas.Pixels));
        }
        return new LayeredScene(width, height, layers, LayerCompositor.Over([.. layers.Select(l => l.Pixels)], width, height));
    }

    /// <summary><paramref name="count"/> scenes with seeds <paramref name="seed"/>, <paramref name="seed"/>+1, …</summary>
    public static IReadOnlyList<LayeredScene> Generate(int seed, int count, int width, int height) =>
        [.. Enumerable.Range(0, count).Select(i => Generate(seed + i, width, height))];
}
