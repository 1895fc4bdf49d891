using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// The noise levels the transformer stage trains at: σ = Min + (1 − Min)·shift(u) for u uniform in [0, 1), with the
/// time shift shift(u) = S·u / (1 + (S − 1)·u) and S, unless given, the factor the model's scheduler samples with.
/// A small model learns to pull the layers out of the composite only where the noise still hides them (σ near 1);
/// below that the noisy latents already show them. The published schedule at 64 px (μ = 0.25) puts σ under 0.75 in
/// nine draws of ten, so the demo model's later stages raise S, then Min.
/// </summary>
/// <param name="Shift">The shift factor S; null: the scheduler's.</param>
/// <param name="Min">The lowest σ drawn, in [0, 1).</param>
public sealed record NoiseLevels(float? Shift = null, float Min = 0)
{
    /// <summary>σ for each of <paramref name="uniform"/>'s values (u in [0, 1)).</summary>
    public Tensor Draw(Tensor uniform, float schedulerShift)
    {
        float shift = Shift ?? schedulerShift;
        return (Kept(1 - Min) * (Kept(shift) * uniform / (Kept(shift - 1) * uniform).Plus(Kept(1)))).Plus(Kept(Min));
    }
}
