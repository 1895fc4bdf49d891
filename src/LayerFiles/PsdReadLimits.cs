namespace QwenLayered.LayerFiles;

/// <summary>
/// Bounds checked on a PSD's headers before any pixels are decoded, so an untrusted file cannot exhaust memory:
/// every layer comes back as a full canvas, so memory grows with canvas pixels × layers.
/// </summary>
/// <param name="MaxPixels">For the canvas and for each stored layer.</param>
public sealed record PsdReadLimits(long MaxPixels, int MaxLayers)
{
    public static PsdReadLimits Default { get; } = new(MaxPixels: 64L * 1024 * 1024, MaxLayers: 100);
}
