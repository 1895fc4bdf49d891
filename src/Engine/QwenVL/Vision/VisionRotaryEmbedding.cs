using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The vision tower's 2-D rotary embedding: over <c>head_dim / 2</c> rotary dims with θ = 10000, the first half of the
/// frequencies turn with the patch row, the second half with the column; applied rotate-half style on
/// <c>cat(freqs, freqs)</c> (so pairs are i and i + head_dim/2).
/// </summary>
internal static class VisionRotaryEmbedding
{
    private const double Theta = 10000.0;

    /// <summary>cos and sin <c>[patches, head_dim]</c> in fp32 for (row, column) positions <c>[patches, 2]</c>.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim)
    {
        using var scope = NewDisposeScope();
        int rotaryDim = headDim / 2;
        var exponents = arange(Kept(0), Kept(rotaryDim), Kept(2), dtype: ScalarType.Int64, device: positions.device).to(ScalarType.Float32) / Kept(rotaryDim);
        var inverseFrequencies = Kept(1.0f) / pow(tensor((float)Theta, device: positions.device), exponents);
        // [patches, 2, rotaryDim/2] → [patches, rotaryDim]: row frequencies, then column frequencies.
        var angles = (positions.to(ScalarType.Float32).unsqueeze(-1) * inverseFrequencies).flatten(1);
        var doubled = cat([angles, angles], dim: -1);
        return (doubled.cos().MoveToOuterDisposeScope(), doubled.sin().MoveToOuterDisposeScope());
    }
}
