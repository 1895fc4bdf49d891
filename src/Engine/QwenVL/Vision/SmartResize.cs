namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// Qwen2-VL's <c>smart_resize</c>: the size nearest the input whose sides are multiples of <c>factor</c> (patch ×
/// merge = 28) and whose area lies within [min, max] pixels, keeping the aspect ratio as well as those allow.
/// </summary>
public static class SmartResize
{
    /// <summary>The reference refuses images more elongated than this.</summary>
    public const double MaxAspectRatio = 200;

    public static (int Height, int Width) Compute(int height, int width, int factor, long minPixels, long maxPixels)
    {
        if (height <= 0 || width <= 0) throw new ArgumentException($"Image size {width}x{height} must be positive.");
        if ((double)Math.Max(height, width) / Math.Min(height, width) > MaxAspectRatio)
            throw new ArgumentException($"Image {width}x{height} is more elongated than {MaxAspectRatio}:1, which Qwen2-VL cannot take.");

        // Python's round() is half-to-even; the same double arithmetic as the reference gives the same sizes.
        long h = (long)Math.Round((double)height / factor, MidpointRounding.ToEven) * factor;
        long w = (long)Math.Round((double)width / factor, MidpointRounding.ToEven) * factor;
        if (h * w > maxPixels)
        {
            double beta = Math.Sqrt((double)height * width / maxPixels);
            h = Math.Max(factor, (long)Math.Floor(height / beta / factor) * factor);
            w = Math.Max(factor, (long)Math.Floor(width / beta / factor) * factor);
        }
        else if (h * w < minPixels)
        {
            double beta = Math.Sqrt((double)minPixels / ((double)height * width));
            h = (long)Math.Ceiling(height * beta / factor) * factor;
            w = (long)Math.Ceiling(width * beta / factor) * factor;
        }
        return ((int)h, (int)w);
    }
}
