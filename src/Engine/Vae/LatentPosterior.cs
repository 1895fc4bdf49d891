using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// The diagonal Gaussian the encoder returns, <c>[B, z_dim, 1, h, w]</c> each. <see cref="Parameters"/> is
/// <c>quant_conv</c>'s output (mean and logvar concatenated, before the clamp); <see cref="LogVar"/> is clamped to
/// [-30, 20] as the reference does. The pipeline uses <see cref="Mean"/> (the mode).
/// </summary>
internal sealed class LatentPosterior : IDisposable
{
    private const double MinLogVar = -30.0;
    private const double MaxLogVar = 20.0;

    public LatentPosterior(Tensor parameters)
    {
        Parameters = parameters;
        long zDim = parameters.shape[1] / 2;
        Mean = parameters.narrow(1, 0, zDim);
        LogVar = parameters.narrow(1, zDim, zDim).clamp(Kept(MinLogVar), Kept(MaxLogVar));
        Std = (LogVar * Kept(0.5)).exp_();
    }

    public Tensor Parameters { get; }

    public Tensor Mean { get; }

    public Tensor LogVar { get; }

    public Tensor Std { get; }

    public void Dispose()
    {
        Std.Dispose();
        LogVar.Dispose();
        Mean.Dispose();
        Parameters.Dispose();
    }
}
