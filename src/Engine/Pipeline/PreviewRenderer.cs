using QwenLayered.Engine.Vae;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Previews each layer's current estimate of its clean result, x0 = x_t − σ·v, by decoding it with the VAE at
/// reduced size: the latents are area-averaged down so the image's longest edge is about the preview size. The cost
/// is one small decode per layer, about (preview edge / working edge)² of a full decode.
/// </summary>
internal sealed class PreviewRenderer(AutoencoderKLQwenImage vae, ScalarType vaeDtype, WorkingSize size, int frames, int maxEdge)
{
    private readonly int _latentHeight = Shrunk(size.LatentHeight, size, maxEdge);
    private readonly int _latentWidth = Shrunk(size.LatentWidth, size, maxEdge);

    /// <summary>
    /// Queues the preview decode of every layer of one job for sampling step <paramref name="step"/> (1-based) and
    /// reads the pixels on a worker thread, so the sampling thread does not wait for the device to finish them.
    /// </summary>
    public PendingPreviews Start(Tensor latents, Tensor velocity, float sigma, int step)
    {
        using var scope = NewDisposeScope();
        var clean = latents.to(ScalarType.Float32) - Kept(sigma) * velocity.to(ScalarType.Float32);
        var layers = LatentLayers.ForDecoding(clean, frames, size, vae, vaeDtype).squeeze(2);
        var small = nn.functional.adaptive_avg_pool2d(layers.to(ScalarType.Float32), [_latentHeight, _latentWidth]).to(vaeDtype);
        var pixels = LayerImages.Rgba8OnDevice(vae.Decode(small.unsqueeze(2)).squeeze(2)).DetachFromDisposeScope();
        int height = _latentHeight * size.VaeScaleFactor, width = _latentWidth * size.VaeScaleFactor;
        return new PendingPreviews(Task.Run(() =>
        {
            using (pixels)
                return (IReadOnlyList<LayerPreview>)[.. LayerImages.ReadRgba8(pixels).Select((rgba, layer) => new LayerPreview(step, layer, width, height, rgba))];
        }));
    }

    // Latent extent after scaling the working size down to the preview edge (never up, never below one latent pixel).
    private static int Shrunk(int latentExtent, WorkingSize size, int maxEdge)
    {
        double scale = Math.Min(1.0, (double)maxEdge / Math.Max(size.Width, size.Height));
        return Math.Max(1, (int)Math.Round(latentExtent * scale));
    }
}

/// <summary>One job's previews of one step, being read back from the device.</summary>
internal sealed record PendingPreviews(Task<IReadOnlyList<LayerPreview>> Previews)
{
    public bool IsReady => Previews.IsCompleted;

    /// <summary>The previews; waits for them if they are not read yet.</summary>
    public IReadOnlyList<LayerPreview> Wait() => Previews.GetAwaiter().GetResult();
}
