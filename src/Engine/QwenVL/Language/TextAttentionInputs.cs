using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// What every decoder layer's attention shares for one forward pass: the RoPE tables <c>[B, 1, T, head_dim]</c>, the
/// boolean attention mask <c>[B, 1, T, keys]</c> (true = may attend) or null, and the KV cache when generating.
/// With a null mask, <see cref="Causal"/> says whether causal masking applies (a single new token sees every key).
/// </summary>
internal sealed record TextAttentionInputs(Tensor Cos, Tensor Sin, Tensor? Mask)
{
    public bool Causal { get; init; } = true;

    public KeyValueCache? Cache { get; init; }

    /// <summary>Causal AND key-padding: query i sees key j iff j ≤ i and key j is a real token (right padding).</summary>
    public static Tensor? MaskFor(Tensor? attentionMask, long length)
    {
        if (attentionMask is null) return null;
        using var scope = NewDisposeScope();
        var causal = ones(length, length, dtype: ScalarType.Bool, device: attentionMask.device).tril();
        var keys = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        return causal.unsqueeze(0).unsqueeze(0).logical_and(keys).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The attention of <paramref name="length"/> new tokens after <paramref name="cached"/> cached ones: SDPA's own
    /// causal path from an empty cache, no mask for one token, else query i sees keys 0 … cached + i.
    /// </summary>
    public static TextAttentionInputs ForCachedPass(Tensor cos, Tensor sin, long cached, long length, KeyValueCache? cache)
    {
        if (cached == 0) return new TextAttentionInputs(cos, sin, null) { Cache = cache };
        if (length == 1) return new TextAttentionInputs(cos, sin, null) { Causal = false, Cache = cache };
        var mask = ones(length, cached + length, dtype: ScalarType.Bool, device: cos.device).tril(cached);
        return new TextAttentionInputs(cos, sin, mask.unsqueeze(0).unsqueeze(0)) { Cache = cache };
    }
}
