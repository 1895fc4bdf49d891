namespace QwenLayered.Engine.Imaging;

/// <summary>
/// Stacks straight-alpha RGBA layers bottom to top with the "over" operator, the way an editor shows them:
/// C = α·RGB + (1 − α)·C_below, α = α + (1 − α)·α_below.
/// </summary>
public static class LayerCompositor
{
    /// <param name="layers">Bottom-most first; every layer width·height·4 bytes.</param>
    public static byte[] Over(IReadOnlyList<byte[]> layers, int width, int height)
    {
        var color = new double[width * height * 3];
        var alpha = new double[width * height];
        foreach (var layer in layers)
        {
            if (layer.Length != width * height * 4)
                throw new ArgumentException($"A layer has {layer.Length} bytes; {width}x{height} RGBA needs {width * height * 4}.");
            for (int p = 0; p < alpha.Length; p++)
            {
                double a = layer[4 * p + 3] / 255.0;
                double below = alpha[p];
                double outAlpha = a + (1 - a) * below;
                for (int c = 0; c < 3; c++)
                {
                    // Premultiplied accumulation, so the result is exact for any stack of alphas.
                    color[3 * p + c] = a * (layer[4 * p + c] / 255.0) + (1 - a) * color[3 * p + c];
                }
                alpha[p] = outAlpha;
            }
        }
        var result = new byte[width * height * 4];
        for (int p = 0; p < alpha.Length; p++)
        {
            for (int c = 0; c < 3; c++)
                result[4 * p + c] = alpha[p] > 0 ? ToByte(color[3 * p + c] / alpha[p]) : (byte)0;
            result[4 * p + 3] = ToByte(alpha[p]);
        }
        return result;
    }

    private static byte ToByte(double unit) => (byte)Math.Clamp(Math.Round(unit * 255, MidpointRounding.ToEven), 0, 255);
}
