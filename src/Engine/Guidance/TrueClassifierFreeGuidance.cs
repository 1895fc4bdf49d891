using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Guidance;

/// <summary>
/// True classifier-free guidance: u = u_uncond + s·(u_cond − u_uncond), optionally rescaled per token so its
/// norm over the channels equals the conditional prediction's (the published model's recommended setting).
/// </summary>
internal static class TrueClassifierFreeGuidance
{
    public static Tensor Combine(Tensor conditional, Tensor unconditional, float scale, bool normalize)
    {
        using var scope = NewDisposeScope();
        var guided = unconditional.Plus(Kept(scale) * (conditional - unconditional));
        if (normalize)
        {
            // No epsilon, as in the reference: a zero-norm token would be a degenerate prediction anyway.
            var conditionalNorm = linalg.vector_norm(conditional, dims: [-1], keepdim: true);
            var guidedNorm = linalg.vector_norm(guided, dims: [-1], keepdim: true);
            guided = guided * (conditionalNorm / guidedNorm);
        }
        return guided.MoveToOuterDisposeScope();
    }
}
