using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// <c>attn</c> of a dual-stream block (diffusers <c>Attention</c> run by <c>QwenDoubleStreamAttnProcessor2_0</c>):
/// per-stream QKV projections, per-head QK RMSNorm, RoPE, one joint SDPA over [text, image], per-stream outputs.
/// </summary>
internal sealed class JointAttention : nn.Module
{
    private const double NormEps = 1e-6;
    private readonly int heads;

    private readonly TransformerLinear to_q;
    private readonly TransformerLinear to_k;
    private readonly TransformerLinear to_v;
    private readonly WeightDtypeRmsNorm norm_q;
    private readonly WeightDtypeRmsNorm norm_k;
    private readonly TransformerLinear add_q_proj;
    private readonly TransformerLinear add_k_proj;
    private readonly TransformerLinear add_v_proj;
    private readonly WeightDtypeRmsNorm norm_added_q;
    private readonly WeightDtypeRmsNorm norm_added_k;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> to_out;
    private readonly TransformerLinear to_add_out;

    public JointAttention(int dim, int heads, int headDim, Device? device, ScalarType? dtype) : base(nameof(JointAttention))
    {
        this.heads = heads;
        int inner = heads * headDim;
        to_q = new TransformerLinear(dim, inner, device, dtype);
        to_k = new TransformerLinear(dim, inner, device, dtype);
        to_v = new TransformerLinear(dim, inner, device, dtype);
        norm_q = new WeightDtypeRmsNorm(headDim, NormEps, device, dtype);
        norm_k = new WeightDtypeRmsNorm(headDim, NormEps, device, dtype);
        add_q_proj = new TransformerLinear(dim, inner, device, dtype);
        add_k_proj = new TransformerLinear(dim, inner, device, dtype);
        add_v_proj = new TransformerLinear(dim, inner, device, dtype);
        norm_added_q = new WeightDtypeRmsNorm(headDim, NormEps, device, dtype);
        norm_added_k = new WeightDtypeRmsNorm(headDim, NormEps, device, dtype);
        // Slot 1 is the (p = 0) dropout of the reference; it holds no weights but keeps the index.
        to_out = nn.ModuleList<nn.Module<Tensor, Tensor>>(new TransformerLinear(inner, dim, device, dtype), nn.Dropout(0.0));
        to_add_out = new TransformerLinear(inner, dim, device, dtype);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="image"/> [B, S_img, D] and <paramref name="text"/> [B, S_txt, D] (already modulated);
    /// <paramref name="keyMask"/> bool [B, 1, 1, S_txt + S_img] or null (no mask: plain SDPA, no S×S matrix).
    /// </summary>
    public (Tensor Image, Tensor Text) forward(Tensor image, Tensor text, RotaryTables rope, Tensor? keyMask)
    {
        using var scope = NewDisposeScope();
        long textLength = text.shape[1];
        var q = cat([rope.Text.Apply(SplitHeads(norm_added_q, add_q_proj, text)), rope.Image.Apply(SplitHeads(norm_q, to_q, image))], 1);
        var k = cat([rope.Text.Apply(SplitHeads(norm_added_k, add_k_proj, text)), rope.Image.Apply(SplitHeads(norm_k, to_k, image))], 1);
        var v = cat([SplitHeads(null, add_v_proj, text), SplitHeads(null, to_v, image)], 1);

        // SDPA wants [B, H, S, d]; its fused kernels accumulate the softmax in fp32.
        var joint = nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), keyMask)
            .transpose(1, 2).flatten(2, 3).to(q.dtype);

        var textOut = to_add_out.forward(joint.narrow(1, 0, textLength));
        var imageOut = joint.narrow(1, textLength, joint.shape[1] - textLength);
        foreach (var layer in to_out)
            imageOut = layer.forward(imageOut);
        return (imageOut.MoveToOuterDisposeScope(), textOut.MoveToOuterDisposeScope());
    }

    private Tensor SplitHeads(WeightDtypeRmsNorm? norm, TransformerLinear projection, Tensor x)
    {
        var perHead = projection.forward(x).unflatten(2, [heads, -1]);
        return norm is null ? perHead : norm.forward(perHead);
    }
}
