using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>Puts a layer cropped at its offset back on its whole canvas, for scores and writers that work on whole canvases.</summary>
public static class LayerPlacement
{
    /// <summary><paramref name="width"/>·<paramref name="height"/>·4 bytes, transparent outside the layer's bounds.</summary>
    public static byte[] OnCanvas(DecodedLayer layer, int width, int height) => Place(layer.Rgba8, layer, width, height);

    /// <summary>The layer as one covering the whole canvas at (0, 0), its 16-bit pixels too when it has them.</summary>
    public static DecodedLayer Whole(DecodedLayer layer, int width, int height) =>
        new(layer.Index, width, height, OnCanvas(layer, width, height), layer.Rgba16 is { } deep ? Place(deep, layer, width, height) : null)
        {
            Name = layer.Name,
        };

    private static T[] Place<T>(T[] pixels, DecodedLayer layer, int width, int height)
    {
        var canvas = new T[width * height * 4];
        for (int y = 0; y < layer.Height; y++)
            Array.Copy(pixels, y * layer.Width * 4, canvas, ((layer.Y + y) * width + layer.X) * 4, layer.Width * 4);
        return canvas;
    }
}
