using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// Tiled decoding rule. The latent is cut into <see cref="TileLatent"/>-square tiles starting every
/// <c>TileLatent - OverlapLatent</c> latent pixels (the last tile on each axis is pushed back to end at the edge).
/// Each tile is decoded alone; in the image, each tile's weight ramps linearly from 0 to 1 across
/// <c>OverlapLatent · 8</c> pixels on every side that borders another tile, and the output is the weighted mean.
/// Peak activation memory then follows the tile, not the image. The mid-block attention and the convolutions near
/// tile borders see less context than in one pass, so tiled output approximates untiled output; a latent that fits
/// in one tile decodes exactly as untiled.
/// </summary>
internal sealed record VaeTiling(int TileLatent = 64, int OverlapLatent = 8)
{
    /// <summary>512-pixel tiles with 64-pixel blends: a 1024² image decodes as 9 tiles.</summary>
    public static VaeTiling Default { get; } = new();

    internal Tensor Decode(Tensor latents, Func<Tensor, Tensor> decodeTile, int scale)
    {
        if (OverlapLatent < 0 || OverlapLatent >= TileLatent)
            throw new ArgumentException($"OverlapLatent {OverlapLatent} must be in [0, TileLatent = {TileLatent}).");
        long height = latents.shape[2], width = latents.shape[3];
        if (height <= TileLatent && width <= TileLatent) return decodeTile(latents);

        using var scope = NewDisposeScope();
        Tensor? sum = null, weights = null;
        foreach (long top in Starts(height))
        foreach (long left in Starts(width))
        {
            long tileHeight = Math.Min(TileLatent, height), tileWidth = Math.Min(TileLatent, width);
            using var tileScope = NewDisposeScope();
            var decoded = decodeTile(latents.narrow(2, top, tileHeight).narrow(3, left, tileWidth)).to(ScalarType.Float32);
            sum ??= zeros(decoded.shape[0], decoded.shape[1], height * scale, width * scale, device: latents.device).DetachFromDisposeScope();
            weights ??= zeros(1, 1, height * scale, width * scale, device: latents.device).DetachFromDisposeScope();
            var mask = Ramp(top, tileHeight, height, scale, latents.device).view(-1, 1) * Ramp(left, tileWidth, width, scale, latents.device).view(1, -1);
            sum.narrow(2, top * scale, tileHeight * scale).narrow(3, left * scale, tileWidth * scale).add_(decoded * mask, Kept(1));
            weights.narrow(2, top * scale, tileHeight * scale).narrow(3, left * scale, tileWidth * scale).add_(mask, Kept(1));
        }
        using (sum) using (weights)
            return (sum! / weights!).to(latents.dtype).MoveToOuterDisposeScope();
    }

    private IEnumerable<long> Starts(long size)
    {
        if (size <= TileLatent) return [0];
        var starts = new List<long>();
        for (long start = 0; start + TileLatent < size; start += TileLatent - OverlapLatent) starts.Add(start);
        starts.Add(size - TileLatent);
        return starts.Distinct();
    }

    // 1-D weights of one tile along one axis, in image pixels: a linear rise over the blend width at inner edges.
    private Tensor Ramp(long start, long length, long size, int scale, Device device)
    {
        long pixels = length * scale, blend = Math.Max(1, OverlapLatent * scale);
        var position = arange(Kept(0), Kept(pixels), Kept(1), dtype: ScalarType.Float32, device: device);
        var ramp = ones(pixels, device: device);
        if (start > 0) ramp = ramp.minimum(position.Plus(Kept(0.5)) / Kept(blend));
        if (start + length < size) ramp = ramp.minimum((Kept(pixels).Minus(position) - Kept(0.5)) / Kept(blend));
        return ramp;
    }
}
