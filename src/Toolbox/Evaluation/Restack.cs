using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// Stacks placed layers (each cropped at its offset) on their canvas with "over", as an editor shows them, at 8 or
/// 16 bits, and measures how far the result is from the original: the check that refined layers give the picture back.
/// </summary>
public static class Restack
{
    /// <summary>The straight RGBA composite at 8 bits (width·height·4 bytes).</summary>
    public static byte[] Over8(IReadOnlyList<DecodedLayer> layers, int width, int height) =>
        [.. Over(layers, width, height, 255, (layer, i) => layer.Rgba8[i]).Select(v => (byte)v)];

    /// <summary>The straight RGBA composite at 16 bits, from the layers' <see cref="DecodedLayer.Rgba16"/>.</summary>
    public static ushort[] Over16(IReadOnlyList<DecodedLayer> layers, int width, int height) =>
        [.. Over(layers, width, height, 65535, (layer, i) => layer.Rgba16![i]).Select(v => (ushort)v)];

    /// <summary>PSNR in dB (infinite when equal) and the largest difference, in levels, over all four channels.</summary>
    public static (double Psnr, int MaxError) Compare<T>(T[] expected, T[] actual, int levels) where T : IConvertible
    {
        double squares = 0;
        int largest = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int difference = Math.Abs(expected[i].ToInt32(null) - actual[i].ToInt32(null));
            squares += (double)difference * difference;
            largest = Math.Max(largest, difference);
        }
        double mse = squares / expected.Length;
        return (mse == 0 ? double.PositiveInfinity : 10 * Math.Log10((double)levels * levels / mse), largest);
    }

    /// <summary>
    /// The straight composite with colour set to 0 where it is transparent (the colour there is no pixel anyone sees),
    /// for comparing with a composite from <see cref="Over8"/>.
    /// </summary>
    public static T[] ClearTransparent<T>(T[] rgba) where T : IConvertible
    {
        var cleared = (T[])rgba.Clone();
        for (int p = 0; p < cleared.Length; p += 4)
            if (cleared[p + 3].ToInt32(null) == 0) cleared[p] = cleared[p + 1] = cleared[p + 2] = default!;
        return cleared;
    }

    private static int[] Over(IReadOnlyList<DecodedLayer> layers, int width, int height, int levels, Func<DecodedLayer, int, int> value)
    {
        var colour = new double[width * height * 3];
        var alpha = new double[width * height];
        foreach (var layer in layers.OrderBy(l => l.Index))
            for (int y = 0; y < layer.Height; y++)
                for (int x = 0; x < layer.Width; x++)
                {
                    int from = (y * layer.Width + x) * 4, p = (layer.Y + y) * width + layer.X + x;
                    double a = value(layer, from + 3) / (double)levels;
                    for (int c = 0; c < 3; c++)
                        colour[3 * p + c] = a * value(layer, from + c) / levels + (1 - a) * colour[3 * p + c];
                    alpha[p] = a + (1 - a) * alpha[p];
                }
        var result = new int[width * height * 4];
        for (int p = 0; p < alpha.Length; p++)
        {
            for (int c = 0; c < 3; c++) result[4 * p + c] = alpha[p] > 0 ? Level(colour[3 * p + c] / alpha[p], levels) : 0;
            result[4 * p + 3] = Level(alpha[p], levels);
        }
        return result;
    }

    private static int Level(double unit, int levels) => (int)Math.Clamp(Math.Round(unit * levels, MidpointRounding.ToEven), 0, levels);
}
