using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// Grouped-query self-attention of a Qwen2.5-VL decoder layer: q/k/v projections with bias, o_proj without, rotate-half
/// RoPE on q and k, each KV head shared by <c>heads / kv_heads</c> consecutive query heads, scale 1/√head_dim.
/// </summary>
internal sealed class Qwen2Attention : nn.Module
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly Linear o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _layer;

    /// <param name="layer">This layer's index, its slot in a <see cref="KeyValueCache"/>.</param>
    public Qwen2Attention(Qwen25VLTextConfig config, int layer, Device? device, ScalarType dtype) : base(nameof(Qwen2Attention))
    {
        _layer = layer;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(config.HiddenSize, _heads * _headDim, hasBias: true, device: device, dtype: dtype);
        k_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, device: device, dtype: dtype);
        v_proj = nn.Linear(config.HiddenSize, _kvHeads * _headDim, hasBias: true, device: device, dtype: dtype);
        o_proj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary><paramref name="hidden"/> <c>[B, T, hidden]</c> → attention output <c>[B, T, hidden]</c>.</summary>
    public Tensor forward(Tensor hidden, TextAttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        var q = Heads(q_proj.forward(hidden), _heads);
        var k = Heads(k_proj.forward(hidden), _kvHeads);
        var v = Heads(v_proj.forward(hidden), _kvHeads);
        q = Qwen2RotaryEmbedding.Apply(q, inputs.Cos, inputs.Sin);
        k = Qwen2RotaryEmbedding.Apply(k, inputs.Cos, inputs.Sin);
        if (inputs.Cache is { } cache) (k, v) = cache.Append(_layer, k, v);
        int group = _heads / _kvHeads;
        k = k.repeat_interleave(group, dim: 1);
        v = v.repeat_interleave(group, dim: 1);

        var attended = inputs.Mask is not null
            ? nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: inputs.Mask)
            : nn.functional.scaled_dot_product_attention(q, k, v, is_casual: inputs.Causal);
        var merged = attended.transpose(1, 2).reshape(batch, length, _heads * _headDim);
        return o_proj.forward(merged).MoveToOuterDisposeScope();

        Tensor Heads(Tensor projected, int count) => projected.view(batch, length, count, _headDim).transpose(1, 2);
    }
}
