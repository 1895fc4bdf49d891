using static TorchSharp.torch;

namespace QwenLayered.Engine.Text;

/// <summary>
/// Rotate-half RoPE of the Qwen2.5-VL language model. For text-only input the three M-RoPE position streams are equal,
/// so the <c>mrope_section</c> split picks every frequency from the same positions and this is plain 1-D RoPE (spec 6.4).
/// </summary>
internal static class Qwen2RotaryEmbedding
{
    /// <summary>
    /// cos and sin tables <c>[B, 1, T, head_dim]</c> in <paramref name="dtype"/> for integer positions <c>[B, T]</c>;
    /// angles are computed in fp32 as transformers does.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim, double theta, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64, device: positions.device).to(ScalarType.Float32) / headDim;
        var inverseFrequencies = 1.0f / pow(tensor((float)theta, device: positions.device), exponents);
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies;
        var doubled = cat([angles, angles], dim: -1).unsqueeze(1);
        var cos = doubled.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = doubled.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary><c>x·cos + rotate_half(x)·sin</c> with <c>rotate_half(x) = [−x₂, x₁]</c> over the halves of the head dim.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var halves = x.chunk(2, dim: -1);
        var rotated = cat([-halves[1], halves[0]], dim: -1);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Positions as transformers' <c>get_rope_index</c> gives them without images: <c>cumsum(mask) − 1</c> with padded
    /// slots set to 1, or <c>0…T−1</c> without a mask.
    /// </summary>
    public static Tensor Positions(Tensor inputIds, Tensor? attentionMask)
    {
        using var scope = NewDisposeScope();
        if (attentionMask is null)
            return arange(inputIds.shape[1], dtype: ScalarType.Int64, device: inputIds.device)
                .unsqueeze(0).expand(inputIds.shape[0], -1).MoveToOuterDisposeScope();
        var mask = attentionMask.to(ScalarType.Int64);
        return (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1).MoveToOuterDisposeScope();
    }
}
