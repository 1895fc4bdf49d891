using static TorchSharp.torch;

namespace QwenLayered.Engine.Text;

/// <summary>
/// What every decoder layer's attention shares for one forward pass: the RoPE tables <c>[B, 1, T, head_dim]</c> and the
/// boolean attention mask <c>[B, 1, T, T]</c> (true = may attend), or null when causal masking alone applies.
/// </summary>
internal sealed record TextAttentionInputs(Tensor Cos, Tensor Sin, Tensor? Mask)
{
    /// <summary>Causal AND key-padding: query i sees key j iff j ≤ i and key j is a real token (right padding).</summary>
    public static Tensor? MaskFor(Tensor? attentionMask, long length)
    {
        if (attentionMask is null) return null;
        using var scope = NewDisposeScope();
        var causal = ones(length, length, dtype: ScalarType.Bool, device: attentionMask.device).tril();
        var keys = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        return causal.unsqueeze(0).unsqueeze(0).logical_and(keys).MoveToOuterDisposeScope();
    }
}
