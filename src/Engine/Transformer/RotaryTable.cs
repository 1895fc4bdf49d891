using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// cos/sin of the RoPE angles of one token stream, fp32 [S, head_dim/2] (the real and imaginary parts of diffusers'
/// complex <c>freqs_cis</c>). Owns its tensors; long-lived (held by the <see cref="RotaryEmbedding"/> cache).
/// </summary>
internal sealed class RotaryTable(Tensor cos, Tensor sin) : IDisposable
{
    public Tensor Cos { get; } = cos;
    public Tensor Sin { get; } = sin;

    /// <summary>
    /// Rotates adjacent channel pairs (2j, 2j+1) of <paramref name="x"/> [B, S, H, head_dim] by angle j of each
    /// token, as complex numbers (interleaved pairs, not the half-split layout). Computed in fp32, returned in x's dtype.
    /// </summary>
    public Tensor Apply(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != Cos.shape[0] || x.shape[3] != 2 * Cos.shape[1])
            throw new ArgumentException(
                $"RoPE expects [B, {Cos.shape[0]}, heads, {2 * Cos.shape[1]}], got [{string.Join(", ", x.shape)}].", nameof(x));
        using var scope = NewDisposeScope();
        var pairs = x.to(ScalarType.Float32).unflatten(3, [-1, 2]);
        var real = pairs.select(-1, 0);
        var imag = pairs.select(-1, 1);
        var cos = Cos.unsqueeze(1);
        var sin = Sin.unsqueeze(1);
        var rotated = stack([real * cos - imag * sin, (real * sin).Plus(imag * cos)], -1).flatten(3);
        return rotated.to(x.dtype).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Cos.Dispose();
        Sin.Dispose();
    }
}
