namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// A transparent straight-alpha RGBA layer that shapes are painted onto with "over", so a layer may hold several
/// overlapping elements and keeps soft edges as partial alpha.
/// </summary>
public sealed class LayerCanvas(int width, int height)
{
    public int Width { get; } = width;
    public int Height { get; } = height;
    public byte[] Pixels { get; } = new byte[width * height * 4];

    /// <summary>Paints <paramref name="color"/> at <paramref name="opacity"/> wherever the shape covers a pixel centre.</summary>
    public void Fill(Func<double, double, double> distance, Edge edge, Rgb color, double opacity = 1) =>
        Fill(distance, edge, (_, _) => color, opacity);

    /// <summary>As <see cref="Fill(Func{double, double, double}, Edge, Rgb, double)"/> with a colour per pixel (gradients, textures).</summary>
    public void Fill(Func<double, double, double> distance, Edge edge, Func<int, int, Rgb> color, double opacity = 1)
    {
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
            {
                double coverage = edge.Coverage(distance(x + 0.5, y + 0.5)) * opacity;
                if (coverage > 0) Paint(x, y, color(x, y), coverage);
            }
    }

    /// <summary>Paints another layer over this one at <paramref name="opacity"/>.</summary>
    public void Paint(LayerCanvas layer, double opacity)
    {
        for (int p = 0; p < Width * Height; p++)
        {
            double alpha = layer.Pixels[4 * p + 3] / 255.0 * opacity;
            if (alpha > 0) Paint(p % Width, p / Width, new Rgb(layer.Pixels[4 * p], layer.Pixels[4 * p + 1], layer.Pixels[4 * p + 2]), alpha);
        }
    }

    // Straight-alpha "over" of one pixel.
    private void Paint(int x, int y, Rgb color, double alpha)
    {
        int i = (y * Width + x) * 4;
        double below = Pixels[i + 3] / 255.0;
        double outAlpha = alpha + (1 - alpha) * below;
        Pixels[i] = Over(color.R, Pixels[i], alpha, below, outAlpha);
        Pixels[i + 1] = Over(color.G, Pixels[i + 1], alpha, below, outAlpha);
        Pixels[i + 2] = Over(color.B, Pixels[i + 2], alpha, below, outAlpha);
        Pixels[i + 3] = (byte)Math.Round(outAlpha * 255);
    }

    private static byte Over(byte top, byte bottom, double alpha, double below, double outAlpha) =>
        (byte)Math.Clamp(Math.Round((top * alpha + bottom * below * (1 - alpha)) / outAlpha), 0, 255);
}
