using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// diffusers <c>Timesteps(256, flip_sin_to_cos=True, downscale_freq_shift=0, scale=1000)</c>: [cos | sin] of
/// <c>1000 · t · exp(−ln(10000)·k/128)</c> in fp32. The arguments reach ~1000 rad, so the operation order follows the
/// reference: fp32 frequencies, times t (already rounded to the model dtype by the caller), then times 1000.
/// (transformer_qwenimage.py also defines a variant that rounds the frequencies to the timestep dtype, but its
/// <c>Timesteps</c> comes from embeddings.py, which keeps them in fp32.)
/// </summary>
internal static class TimestepSinusoid
{
    public const int Channels = 256;
    private const double MaxPeriod = 10000;
    private const double Scale = 1000;

    /// <summary><paramref name="timestep"/> [B] in any dtype → fp32 features [B, 256].</summary>
    public static Tensor Project(Tensor timestep)
    {
        if (timestep.dim() != 1)
            throw new ArgumentException($"timestep must be 1-D [batch], got shape [{string.Join(", ", timestep.shape)}].", nameof(timestep));
        using var scope = NewDisposeScope();
        const int half = Channels / 2;
        var exponent = arange(Kept(0), Kept(half), Kept(1), dtype: ScalarType.Float32, device: timestep.device) * Kept(-Math.Log(MaxPeriod)) / Kept(half);
        var angles = timestep.unsqueeze(1).to(ScalarType.Float32) * exp(exponent).unsqueeze(0) * Kept(Scale);
        return cat([cos(angles), sin(angles)], 1).MoveToOuterDisposeScope();
    }
}
