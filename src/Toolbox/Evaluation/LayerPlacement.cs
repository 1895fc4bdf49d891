using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>Puts a layer cropped at its offset back on its whole canvas, for scores and pictures that work on whole canvases.</summary>
public static class LayerPlacement
{
    /// <summary><paramref name="width"/>·<paramref name="height"/>·4 bytes, transparent outside the layer's bounds.</summary>
    public static byte[] OnCanvas(DecodedLayer layer, int width, int height)
    {
        var canvas = new byte[width * height * 4];
        for (int y = 0; y < layer.Height; y++)
            Array.Copy(layer.Rgba8, y * layer.Width * 4, canvas, ((layer.Y + y) * width + layer.X) * 4, layer.Width * 4);
        return canvas;
    }
}
