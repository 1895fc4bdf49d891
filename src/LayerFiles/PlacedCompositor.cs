namespace QwenLayered.LayerFiles;

/// <summary>
/// Stacks placed layers with the "over" operator one canvas row at a time, so the only full-canvas buffer is the
/// result: C = α·RGB + (1 − α)·C_below, α = α + (1 − α)·α_below, as <see cref="QwenLayered.Engine.Imaging.LayerCompositor"/>.
/// Layers with 16-bit pixels are stacked from those.
/// </summary>
internal static class PlacedCompositor
{
    /// <summary>The composite as RGBA8.</summary>
    public static byte[] Over8(PlacedDocument document)
    {
        var result = new byte[checked(document.Width * document.Height * 4)];
        Rows(document, (y, rgba) => { for (int i = 0; i < rgba.Length; i++) result[y * rgba.Length + i] = (byte)Math.Round(rgba[i] * 255, MidpointRounding.ToEven); });
        return result;
    }

    /// <summary>The composite as RGBA16 (0..65535).</summary>
    public static ushort[] Over16(PlacedDocument document)
    {
        var result = new ushort[checked(document.Width * document.Height * 4)];
        Rows(document, (y, rgba) => { for (int i = 0; i < rgba.Length; i++) result[y * rgba.Length + i] = (ushort)Math.Round(rgba[i] * 65535, MidpointRounding.ToEven); });
        return result;
    }

    // Hands each canvas row over as straight-alpha RGBA in 0..1.
    private static void Rows(PlacedDocument document, Action<int, double[]> row)
    {
        int width = document.Width;
        var visible = document.Layers.Where(l => l.Visible).ToList();
        var color = new double[width * 3];
        var alpha = new double[width];
        var rgba = new double[width * 4];
        for (int y = 0; y < document.Height; y++)
        {
            Array.Clear(color);
            Array.Clear(alpha);
            foreach (var layer in visible)
            {
                if (y < layer.Y || y >= layer.Y + layer.Height) continue;
                int left = Math.Max(0, layer.X), right = Math.Min(width, layer.X + layer.Width);
                int start = (y - layer.Y) * layer.Width - layer.X;
                for (int x = left; x < right; x++)
                {
                    int p = (start + x) * 4;
                    double a = Sample(layer, p + 3);
                    for (int c = 0; c < 3; c++) color[3 * x + c] = a * Sample(layer, p + c) + (1 - a) * color[3 * x + c];
                    alpha[x] = a + (1 - a) * alpha[x];
                }
            }
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++) rgba[4 * x + c] = alpha[x] > 0 ? Math.Clamp(color[3 * x + c] / alpha[x], 0, 1) : 0;
                rgba[4 * x + 3] = Math.Clamp(alpha[x], 0, 1);
            }
            row(y, rgba);
        }
    }

    private static double Sample(PlacedLayer layer, int index) => layer.Rgba16 is { } deep ? deep[index] / 65535.0 : layer.Rgba8[index] / 255.0;
}
