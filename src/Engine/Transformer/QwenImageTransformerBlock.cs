using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// One dual-stream MMDiT block (<c>transformer_blocks.N</c>). Each stream has its own AdaLN modulation
/// <c>{img,txt}_mod.1(SiLU(temb))</c> giving (shift, scale, gate) for the attention half, then for the MLP half; the
/// attention itself is joint over both streams.
/// </summary>
internal sealed class QwenImageTransformerBlock : nn.Module<Tensor, Tensor, Tensor, RotaryTables, Tensor?, (Tensor Text, Tensor Image)>
{
    private const double NormEps = 1e-6;
    private const int ModulationChunks = 6;

    private readonly Sequential img_mod;
    private readonly JointAttention attn;
    private readonly FeedForward img_mlp;
    private readonly Sequential txt_mod;
    private readonly FeedForward txt_mlp;

    public QwenImageTransformerBlock(int dim, int heads, int headDim, Device? device, ScalarType? dtype) : base(nameof(QwenImageTransformerBlock))
    {
        // img_norm1/2 and txt_norm1/2 of the reference are affine-free LayerNorms: no weights, see Fp32LayerNorm.
        img_mod = nn.Sequential(nn.SiLU(), new TransformerLinear(dim, ModulationChunks * dim, device, dtype));
        attn = new JointAttention(dim, heads, headDim, device, dtype);
        img_mlp = new FeedForward(dim, device, dtype);
        txt_mod = nn.Sequential(nn.SiLU(), new TransformerLinear(dim, ModulationChunks * dim, device, dtype));
        txt_mlp = new FeedForward(dim, device, dtype);
        RegisterComponents();
    }

    /// <summary>Returns the new (text, image) streams; inputs are left untouched.</summary>
    public override (Tensor Text, Tensor Image) forward(Tensor image, Tensor text, Tensor temb, RotaryTables rope, Tensor? keyMask)
    {
        using var scope = NewDisposeScope();
        var imgMod = img_mod.forward(temb).chunk(ModulationChunks, -1);
        var txtMod = txt_mod.forward(temb).chunk(ModulationChunks, -1);

        var (imgAttn, txtAttn) = attn.forward(Modulate(image, imgMod, 0), Modulate(text, txtMod, 0), rope, keyMask);
        image = image.Plus(imgMod[2].unsqueeze(1) * imgAttn);
        text = text.Plus(txtMod[2].unsqueeze(1) * txtAttn);

        image = image.Plus(imgMod[5].unsqueeze(1) * img_mlp.forward(Modulate(image, imgMod, 3)));
        text = text.Plus(txtMod[5].unsqueeze(1) * txt_mlp.forward(Modulate(text, txtMod, 3)));

        if (image.dtype == ScalarType.Float16)
        {
            // As the reference: keep fp16 activations finite.
            image = image.clip(Kept(-65504), Kept(65504));
            text = text.clip(Kept(-65504), Kept(65504));
        }
        return (text.MoveToOuterDisposeScope(), image.MoveToOuterDisposeScope());
    }

    /// <summary><c>LN(x)·(1 + scale) + shift</c> with (shift, scale) = chunks first, first+1 of the modulation.</summary>
    private static Tensor Modulate(Tensor x, Tensor[] modulation, int first) =>
        (Fp32LayerNorm.Apply(x, NormEps) * modulation[first + 1].unsqueeze(1).Plus(Kept(1))).Plus(modulation[first].unsqueeze(1));
}
