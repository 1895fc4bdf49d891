using QwenLayered.Engine.Imaging;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Moves layer pixels between the full canvas and the tight rectangle editors store (the layer's alpha bounds plus
/// an offset), so files hold only what a layer covers.
/// </summary>
internal static class LayerCrop
{
    /// <summary>
    /// A full-canvas layer as editors store it: its alpha bounds and the pixels inside them; a fully transparent layer
    /// as one transparent pixel at the origin, since a file layer cannot be empty.
    /// </summary>
    public static (AlphaBounds Bounds, byte[] Pixels) Tight(byte[] canvas, int canvasWidth, int canvasHeight)
    {
        var bounds = AlphaBounds.Of(canvas, canvasWidth, canvasHeight) ?? new AlphaBounds(0, 0, 1, 1);
        return (bounds, Cut(canvas, canvasWidth, bounds));
    }

    /// <summary>The pixels inside <paramref name="bounds"/>, row by row.</summary>
    public static byte[] Cut(byte[] canvas, int canvasWidth, AlphaBounds bounds)
    {
        var cut = new byte[bounds.Width * bounds.Height * 4];
        for (int y = 0; y < bounds.Height; y++)
            Array.Copy(canvas, ((bounds.Y + y) * canvasWidth + bounds.X) * 4, cut, y * bounds.Width * 4, bounds.Width * 4);
        return cut;
    }

    /// <summary>A transparent canvas with <paramref name="pixels"/> placed at (x, y); parts outside the canvas are dropped.</summary>
    public static byte[] Place(byte[] pixels, int width, int height, int x, int y, int canvasWidth, int canvasHeight)
    {
        var canvas = new byte[canvasWidth * canvasHeight * 4];
        int left = Math.Max(0, x), right = Math.Min(canvasWidth, x + width);
        if (right <= left) return canvas;
        for (int row = Math.Max(0, y); row < Math.Min(canvasHeight, y + height); row++)
            Array.Copy(pixels, ((row - y) * width + left - x) * 4, canvas, (row * canvasWidth + left) * 4, (right - left) * 4);
        return canvas;
    }
}
