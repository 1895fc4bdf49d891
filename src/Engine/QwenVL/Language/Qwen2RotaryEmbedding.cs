using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// Rotate-half RoPE of the Qwen2.5-VL language model. For text-only input the three M-RoPE position streams are equal,
/// so the <c>mrope_section</c> split picks every frequency from the same positions and this is plain 1-D RoPE (spec 6.4);
/// with images the streams differ (<see cref="MultimodalTables"/>).
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
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * InverseFrequencies(headDim, theta, positions.device);
        return CosSin(angles, dtype);
    }

    /// <summary>
    /// M-RoPE tables <c>[B, 1, T, head_dim]</c> for position streams <c>[3, B, T]</c> (temporal, height, width): the
    /// first <c>mrope_section[0]</c> frequencies turn with stream 0, the next <c>mrope_section[1]</c> with stream 1, the
    /// rest with stream 2, in both halves of the head dim (transformers' <c>mrope_section * 2</c> split).
    /// </summary>
    public static (Tensor Cos, Tensor Sin) MultimodalTables(Tensor positions, IReadOnlyList<int> mropeSection, int headDim, double theta, ScalarType dtype)
    {
        if (positions.dim() != 3 || positions.shape[0] != 3)
            throw new ArgumentException($"M-RoPE positions must be [3, batch, length], got [{string.Join(", ", positions.shape)}].");
        using var scope = NewDisposeScope();
        var streams = positions.to(ScalarType.Float32).unsqueeze(-1) * InverseFrequencies(headDim, theta, positions.device);
        int offset = 0;
        var pieces = new Tensor[mropeSection.Count];
        for (int stream = 0; stream < mropeSection.Count; stream++)
        {
            pieces[stream] = streams[stream].narrow(-1, offset, mropeSection[stream]);
            offset += mropeSection[stream];
        }
        return CosSin(cat(pieces, dim: -1), dtype);
    }

    private static Tensor InverseFrequencies(int headDim, double theta, Device device)
    {
        var exponents = arange(Kept(0), Kept(headDim), Kept(2), dtype: ScalarType.Int64, device: device).to(ScalarType.Float32) / Kept(headDim);
        return Kept(1.0f) / pow(tensor((float)theta, device: device), exponents);
    }

    // Angles [B, T, head_dim/2] → cos, sin [B, 1, T, head_dim] of cat(angles, angles), moved out of the caller's scope.
    private static (Tensor Cos, Tensor Sin) CosSin(Tensor angles, ScalarType dtype)
    {
        var doubled = cat([angles, angles], dim: -1).unsqueeze(1);
        return (doubled.cos().to(dtype).MoveToOuterDisposeScope(), doubled.sin().to(dtype).MoveToOuterDisposeScope());
    }

    /// <summary><c>x·cos + rotate_half(x)·sin</c> with <c>rotate_half(x) = [−x₂, x₁]</c> over the halves of the head dim.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var halves = x.chunk(2, dim: -1);
        var rotated = cat([-halves[1], halves[0]], dim: -1);
        return (x * cos).Plus(rotated * sin).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Positions as transformers' <c>get_rope_index</c> gives them without images: <c>cumsum(mask) − 1</c> with padded
    /// slots set to 1, or <c>0…T−1</c> without a mask.
    /// </summary>
    public static Tensor Positions(Tensor inputIds, Tensor? attentionMask)
    {
        using var scope = NewDisposeScope();
        if (attentionMask is null)
            return arange(Kept(0), Kept(inputIds.shape[1]), Kept(1), dtype: ScalarType.Int64, device: inputIds.device)
                .unsqueeze(0).expand(inputIds.shape[0], -1).MoveToOuterDisposeScope();
        var mask = attentionMask.to(ScalarType.Int64);
        return (mask.cumsum(-1) - Kept(1)).masked_fill(mask.eq(Kept(0)), Kept(1)).MoveToOuterDisposeScope();
    }
}
