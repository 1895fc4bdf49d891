using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Brings decoded layers from the working size to the output size (<see cref="WorkingSize.OutputWidth"/>), undoing
/// the squash the working size's rounding put into the content. Resizing the result back, rather than padding the
/// input to the latent grid, leaves what the model sees exactly as the reference prepares it.
/// </summary>
internal static class LayerResize
{
    /// <summary>
    /// [N, 4, H, W] in [−1, 1] at the working size → [N, 4, OutputHeight, OutputWidth] in [−1, 1]. Bilinear
    /// (antialiased when shrinking) on premultiplied RGBA: its weights are never negative, so where a layer is fully
    /// transparent it stays exactly transparent (a Lanczos filter would ring faint alpha around every shape), and
    /// colour hidden under alpha 0 does not bleed into edges. An alias of <paramref name="decoded"/> when the sizes match.
    /// </summary>
    public static Tensor ToOutputSize(Tensor decoded, WorkingSize size)
    {
        if (size.OutputWidth == size.Width && size.OutputHeight == size.Height) return decoded.alias();
        using var scope = NewDisposeScope();
        var unit = (decoded.to(ScalarType.Float32) * Kept(0.5f)).Plus(Kept(0.5f)).clamp(Kept(0f), Kept(1f));
        var alpha = unit[.., 3..4];
        var premultiplied = cat([unit[.., ..3] * alpha, alpha], 1);
        var resized = nn.functional.interpolate(premultiplied, [size.OutputHeight, size.OutputWidth],
            mode: InterpolationMode.Bilinear, align_corners: false, antialias: true).clamp(Kept(0f), Kept(1f));
        var resizedAlpha = resized[.., 3..4];
        var colour = (resized[.., ..3] / resizedAlpha.clamp_min(Kept(1e-6f))).clamp(Kept(0f), Kept(1f));
        return (cat([colour, resizedAlpha], 1) * Kept(2f)).Plus(Kept(-1f)).MoveToOuterDisposeScope();
    }
}
