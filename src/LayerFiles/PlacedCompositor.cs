namespace QwenLayered.LayerFiles;

/// <summary>
/// Stacks placed layers with the "over" operator one canvas row at a time, so the only full-canvas buffer is the
/// result: C = α·RGB + (1 − α)·C_below, α = α + (1 − α)·α_below, as <see cref="QwenLayered.Engine.Imaging.LayerCompositor"/>.
/// </summary>
internal static class PlacedCompositor
{
    public static byte[] Over(PlacedDocument document)
    {
        int width = document.Width;
        var visible = document.Layers.Where(l => l.Visible).ToList();
        var result = new byte[checked(width * document.Height * 4)];
        var color = new double[width * 3];
        var alpha = new double[width];
        for (int y = 0; y < document.Height; y++)
        {
            Array.Clear(color);
            Array.Clear(alpha);
            foreach (var layer in visible)
            {
                if (y < layer.Y || y >= layer.Y + layer.Height) continue;
                int left = Math.Max(0, layer.X), right = Math.Min(width, layer.X + layer.Width);
                int row = (y - layer.Y) * layer.Width;
                for (int x = left; x < right; x++)
                {
                    int p = (row + x - layer.X) * 4;
                    double a = layer.Rgba8[p + 3] / 255.0;
                    for (int c = 0; c < 3; c++) color[3 * x + c] = a * (layer.Rgba8[p + c] / 255.0) + (1 - a) * color[3 * x + c];
                    alpha[x] = a + (1 - a) * alpha[x];
                }
            }
            int at = y * width * 4;
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++) result[at + 4 * x + c] = alpha[x] > 0 ? ToByte(color[3 * x + c] / alpha[x]) : (byte)0;
                result[at + 4 * x + 3] = ToByte(alpha[x]);
            }
        }
        return result;
    }

    private static byte ToByte(double unit) => (byte)Math.Clamp(Math.Round(unit * 255, MidpointRounding.ToEven), 0, 255);
}
