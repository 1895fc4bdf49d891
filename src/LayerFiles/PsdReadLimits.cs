namespace QwenLayered.LayerFiles;

/// <summary>
/// Bounds checked on a PSD's header before any pixels are decoded, so an untrusted file cannot exhaust memory:
/// every layer comes back as a full canvas, so memory grows with canvas pixels × layers.
/// </summary>
public sealed record PsdReadLimits(long MaxCanvasPixels, int MaxLayers)
{
    public static PsdReadLimits Default { get; } = new(MaxCanvasPixels: 64L * 1024 * 1024, MaxLayers: 100);
}
