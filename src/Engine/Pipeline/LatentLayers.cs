using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>From packed sampler latents to the per-layer latents the VAE decodes.</summary>
internal static class LatentLayers
{
    /// <summary>
    /// [1, (L+1)·N, 4·z] → [L, z, 1, h, w]: unpacked, de-normalised, the generated composite (frame 0) dropped and
    /// each layer folded into the batch, in the VAE's dtype.
    /// </summary>
    public static Tensor ForDecoding(Tensor packed, int frames, WorkingSize size, AutoencoderKLQwenImage vae, ScalarType vaeDtype)
    {
        using var scope = NewDisposeScope();
        var video = LatentPacking.Unpack(packed, frames, size.LatentHeight, size.LatentWidth).to(vaeDtype);
        var layers = vae.DenormalizeLatents(video)[.., .., 1..];
        long z = layers.shape[1];
        return layers.permute(0, 2, 1, 3, 4).reshape(-1, z, 1, size.LatentHeight, size.LatentWidth).MoveToOuterDisposeScope();
    }
}
