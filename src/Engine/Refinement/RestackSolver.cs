using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>
/// Makes layers that stack back to the original after quantization to <c>levels</c> steps (255 or 65535), pixel by
/// pixel: alphas first, quantized, so the stack's alpha is the original's; then colours solved against those alphas,
/// so the stack's colour is the original's; then colours quantized with the rounding error carried down the stack.
/// Layers are bottom (index 0) to top; pixels are flattened to P.
/// </summary>
internal static class RestackSolver
{
    /// <summary>
    /// Quantized alphas [N, P] from the refined ones [N, P] and the original's alpha [P]. A layer can never be more
    /// opaque than the stack may be, so from the top down each is capped to leave the original's transparency to the
    /// layers below; the bottom layer takes exactly what is left (opaque under an opaque original).
    /// </summary>
    public static Tensor Alphas(Tensor refined, Tensor originalAlpha, int levels)
    {
        using var scope = NewDisposeScope();
        int count = (int)refined.shape[0];
        var owed = Kept(1f).Minus(originalAlpha);          // the transparency the stack must keep
        var through = ones_like(originalAlpha);             // light through the layers above so far
        var alphas = new Tensor[count];
        for (int i = count - 1; i >= 1; i--)
        {
            var cap = Remaining(owed, through);
            var capLevels = (cap * Kept(levels)).Plus(Kept(1e-3f)).floor();
            alphas[i] = minimum((refined[i] * Kept(levels)).round(), capLevels) / Kept(levels);
            through = through * Kept(1f).Minus(alphas[i]);
        }
        alphas[0] = (Remaining(owed, through) * Kept(levels)).round() / Kept(levels);
        return stack(alphas).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Quantized straight colours [N, 3, P] for quantized <paramref name="alphas"/> [N, P], starting from the model's
    /// colours [N, 3, P] and matching the original's straight colour [3, P] wherever the stack is not transparent. Each
    /// layer moves in proportion to how much of it shows (the least change overall), so a hidden layer keeps the
    /// model's colour and a fully visible one takes the original's; a layer stuck at 0 or 1 hands the rest to the others.
    /// </summary>
    public static Tensor Colours(Tensor alphas, Tensor model, Tensor original, int levels)
    {
        using var scope = NewDisposeScope();
        int count = (int)alphas.shape[0];
        var shown = Visibility(alphas).unsqueeze(1);                                      // [N, 1, P]
        var target = shown.sum(0, keepdim: false) * original;                            // premultiplied [3, P]
        var colours = model.clamp(Kept(0f), Kept(1f));
        // Each pass either matches a pixel or pins one more layer at 0 or 1, so count + 1 passes always suffice;
        // most tiles are done after the first, and a pixel off by less than a hundredth of a level counts as matched.
        for (int pass = 0; pass <= count; pass++)
        {
            using var step = NewDisposeScope();
            var missing = target - (shown * colours).sum(0, keepdim: false);
            var free = shown.gt(Kept(0f)) & missing.abs().gt(Kept(0.01f / levels))
                & ((missing.gt(Kept(0f)) & colours.lt(Kept(1f))) | (missing.lt(Kept(0f)) & colours.gt(Kept(0f))));
            if (!free.any().item<bool>()) break;
            var movable = shown * free.to(shown.dtype);
            var share = missing / (movable * movable).sum(0, keepdim: false).clamp_min(Kept(1e-20f));
            var moved = colours.Plus(movable * share).clamp(Kept(0f), Kept(1f)).MoveToOuterDisposeScope();
            colours.Dispose();
            colours = moved;
        }
        return Quantize(colours, shown.squeeze(1), levels).MoveToOuterDisposeScope();
    }

    /// <summary>How much of each layer shows in the stack: αᵢ·Π_{j>i}(1 − αⱼ), [N, P].</summary>
    public static Tensor Visibility(Tensor alphas)
    {
        using var scope = NewDisposeScope();
        int count = (int)alphas.shape[0];
        var through = ones_like(alphas[0]);
        var shown = new Tensor[count];
        for (int i = count - 1; i >= 0; i--)
        {
            shown[i] = alphas[i] * through;
            through = through * Kept(1f).Minus(alphas[i]);
        }
        return stack(shown).MoveToOuterDisposeScope();
    }

    // 1 − owed / through: the most the layers still below may cover; through = 0 only above an opaque original.
    private static Tensor Remaining(Tensor owed, Tensor through) =>
        Kept(1f).Minus(owed / through.clamp_min(Kept(1e-12f))).clamp(Kept(0f), Kept(1f));

    // From the top down, each layer that shows by at least one level rounds its colour plus what the layers above
    // still owe, so the stack's error stays within one rounding of the lowest visible layer.
    private static Tensor Quantize(Tensor colours, Tensor shown, int levels)
    {
        int count = (int)colours.shape[0];
        var owed = zeros_like(colours[0]);
        var rounded = new Tensor[count];
        for (int i = count - 1; i >= 0; i--)
        {
            var weight = shown[i].unsqueeze(0);
            var absorbs = weight.ge(Kept(1f / levels));
            var wanted = where(absorbs, colours[i].Plus(owed / weight.clamp_min(Kept(1f / levels))), colours[i]).clamp(Kept(0f), Kept(1f));
            rounded[i] = (wanted * Kept(levels)).round() / Kept(levels);
            owed = owed.Plus(weight * (colours[i] - rounded[i]));
        }
        return stack(rounded);
    }
}
