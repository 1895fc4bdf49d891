namespace QwenLayered.Toolbox.Evaluation;

/// <summary>Per-layer scores of a decomposition against the ground truth, on straight-alpha RGBA8 pixels.</summary>
public static class LayerMetrics
{
    /// <summary>A pixel with alpha at or above this is inside a layer's mask (half opaque).</summary>
    public const byte InsideAlpha = 128;

    /// <summary>
    /// Intersection over union of the two layers' alpha masks. Two empty masks agree perfectly, so they score 1.
    /// </summary>
    public static double AlphaIoU(byte[] a, byte[] b)
    {
        RequireSameLength(a, b);
        long intersection = 0, union = 0;
        for (int i = 3; i < a.Length; i += 4)
        {
            bool inA = a[i] >= InsideAlpha, inB = b[i] >= InsideAlpha;
            if (inA && inB) intersection++;
            if (inA || inB) union++;
        }
        return union == 0 ? 1 : (double)intersection / union;
    }

    /// <summary>
    /// The layers' masks merged: an RGBA image of <paramref name="length"/> bytes, transparent black but for its alpha,
    /// at each pixel the highest alpha of <paramref name="layers"/> (so inside the merged mask where any layer is inside).
    /// </summary>
    public static byte[] MergedAlpha(IReadOnlyList<byte[]> layers, int length)
    {
        var merged = new byte[length];
        foreach (var layer in layers)
        {
            RequireSameLength(layer, merged);
            for (int i = 3; i < length; i += 4) merged[i] = Math.Max(merged[i], layer[i]);
        }
        return merged;
    }

    /// <summary>
    /// Peak signal-to-noise ratio of the RGB channels (alpha ignored) on the 8-bit scale, in dB:
    /// 10·log10(255² / MSE). Identical images have no error: the result is +∞, which reports count as lossless
    /// rather than cap at an arbitrary number that would skew a mean.
    /// </summary>
    public static double RgbPsnr(byte[] a, byte[] b)
    {
        RequireSameLength(a, b);
        double squaredError = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (i % 4 == 3) continue;
            double difference = a[i] - b[i];
            squaredError += difference * difference;
        }
        if (squaredError == 0) return double.PositiveInfinity;
        double meanSquaredError = squaredError / (a.Length / 4 * 3);
        return 10 * Math.Log10(255.0 * 255.0 / meanSquaredError);
    }

    private static void RequireSameLength(byte[] a, byte[] b)
    {
        if (a.Length != b.Length || a.Length % 4 != 0)
            throw new ArgumentException($"Both images must be RGBA of one size; they have {a.Length} and {b.Length} bytes.");
    }
}
