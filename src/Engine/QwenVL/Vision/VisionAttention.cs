using QwenLayered.Engine.QwenVL.Language;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// Non-causal multi-head self-attention of a vision block: one fused <c>qkv</c> projection (rows q, k, v, each
/// head-major), 2-D rotary on q and k in fp32, attention only within the given segments, then <c>proj</c>.
/// </summary>
internal sealed class VisionAttention : nn.Module
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int _heads;

    public VisionAttention(Qwen25VLVisionConfig config, Device? device, ScalarType dtype) : base(nameof(VisionAttention))
    {
        _heads = config.NumHeads;
        qkv = nn.Linear(config.HiddenSize, 3L * config.HiddenSize, hasBias: true, device: device, dtype: dtype);
        proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="hidden"/> <c>[patches, hidden]</c>; cos/sin <c>[patches, head_dim]</c> fp32; <paramref name="mask"/>
    /// <c>[patches, patches]</c> (true = may attend) or null for attention over every patch.
    /// </summary>
    public Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long patches = hidden.shape[0];
        var split = qkv.forward(hidden).reshape(patches, 3, _heads, -1).permute(1, 0, 2, 3);
        var q = Rotate(split[0], cos, sin).transpose(0, 1).unsqueeze(0);
        var k = Rotate(split[1], cos, sin).transpose(0, 1).unsqueeze(0);
        var v = split[2].transpose(0, 1).unsqueeze(0);
        var attended = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        var merged = attended.squeeze(0).transpose(0, 1).reshape(patches, -1);
        return proj.forward(merged).MoveToOuterDisposeScope();
    }

    // The reference rotates in fp32 and casts back.
    private static Tensor Rotate(Tensor x, Tensor cos, Tensor sin) =>
        Qwen2RotaryEmbedding.Apply(x.to(ScalarType.Float32), cos.unsqueeze(1), sin.unsqueeze(1)).to(x.dtype);
}
