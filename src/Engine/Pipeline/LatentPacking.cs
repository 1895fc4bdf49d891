using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The transformer sees latents as tokens: each 2x2 patch of a frame becomes one token of 4·C channels
/// (channel-major, then patch row, then patch column), frame after frame.
/// </summary>
internal static class LatentPacking
{
    /// <summary>[B, F, C, h, w] → [B, F·(h/2)·(w/2), C·4].</summary>
    public static Tensor Pack(Tensor latents)
    {
        if (latents.dim() != 5 || latents.shape[3] % 2 != 0 || latents.shape[4] % 2 != 0)
            throw new ArgumentException($"Expected latents [B, F, C, h, w] with even h and w, got [{string.Join(", ", latents.shape)}].");
        long b = latents.shape[0], f = latents.shape[1], c = latents.shape[2], h = latents.shape[3], w = latents.shape[4];
        return latents.view(b, f, c, h / 2, 2, w / 2, 2)
            .permute(0, 1, 3, 5, 2, 4, 6)
            .reshape(b, f * (h / 2) * (w / 2), c * 4);
    }

    /// <summary>[B, F·(h/2)·(w/2), C·4] → [B, C, F, h, w], the VAE's video layout.</summary>
    public static Tensor Unpack(Tensor tokens, int frames, int latentHeight, int latentWidth)
    {
        long b = tokens.shape[0], c = tokens.shape[2] / 4;
        long expected = (long)frames * (latentHeight / 2) * (latentWidth / 2);
        if (tokens.dim() != 3 || tokens.shape[1] != expected || tokens.shape[2] % 4 != 0)
            throw new ArgumentException(
                $"Expected tokens [B, {expected}, 4·C] for {frames} frames of {latentHeight}x{latentWidth} latents, got [{string.Join(", ", tokens.shape)}].");
        return tokens.view(b, frames, latentHeight / 2, latentWidth / 2, c, 2, 2)
            .permute(0, 1, 4, 2, 5, 3, 6)
            .reshape(b, frames, c, latentHeight, latentWidth)
            .permute(0, 2, 1, 3, 4);
    }
}
