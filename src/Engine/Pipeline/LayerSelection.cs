namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Keeps the layers of an automatic count that hold something new, as they are decoded: a layer that came back empty
/// (no pixel more opaque than <see cref="EmptyAlpha"/>) or that repeats a layer kept already (same placement, every
/// premultiplied channel within <see cref="SameTolerance"/> on average) is dropped, and the kept ones are numbered
/// again from 0, bottom up. The bottom layer is always kept, so a result is never empty.
/// </summary>
public sealed class LayerSelection
{
    /// <summary>Alpha, of 255, at or below which a pixel counts as transparent.</summary>
    public const int EmptyAlpha = 2;

    /// <summary>Mean difference per premultiplied channel, of 255, at or below which two layers are the same.</summary>
    public const double SameTolerance = 2;

    private readonly List<DecodedLayer> _kept = [];

    public IReadOnlyList<DecodedLayer> Kept => _kept;

    /// <summary>The layer renumbered after those kept before it, or null when it is dropped.</summary>
    public DecodedLayer? Keep(DecodedLayer layer)
    {
        if (_kept.Count > 0 && (IsEmpty(layer) || _kept.Any(kept => Same(kept, layer)))) return null;
        var renumbered = layer with { Index = _kept.Count };
        _kept.Add(renumbered);
        return renumbered;
    }

    private static bool IsEmpty(DecodedLayer layer)
    {
        for (int p = 3; p < layer.Rgba8.Length; p += 4)
            if (layer.Rgba8[p] > EmptyAlpha) return false;
        return true;
    }

    private static bool Same(DecodedLayer a, DecodedLayer b)
    {
        if ((a.X, a.Y, a.Width, a.Height) != (b.X, b.Y, b.Width, b.Height)) return false;
        double difference = 0;
        for (int p = 0; p < a.Rgba8.Length; p += 4)
        {
            int alphaA = a.Rgba8[p + 3], alphaB = b.Rgba8[p + 3];
            difference += Math.Abs(alphaA - alphaB);
            for (int c = 0; c < 3; c++) difference += Math.Abs(a.Rgba8[p + c] * alphaA - b.Rgba8[p + c] * alphaB) / 255.0;
        }
        return difference / a.Rgba8.Length <= SameTolerance;
    }
}
