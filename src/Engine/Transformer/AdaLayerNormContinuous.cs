using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// <c>norm_out</c> (diffusers <c>AdaLayerNormContinuous</c>, no affine): <c>LN(x)·(1+scale)+shift</c> with
/// <c>(scale, shift) = linear(SiLU(temb))</c> — scale first, the reverse of the blocks' order.
/// </summary>
internal sealed class AdaLayerNormContinuous : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear linear;
    private readonly double eps;

    public AdaLayerNormContinuous(long dim, double eps, Device? device, ScalarType? dtype) : base(nameof(AdaLayerNormContinuous))
    {
        this.eps = eps;
        linear = nn.Linear(dim, 2 * dim, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary><paramref name="x"/> [B, S, D], <paramref name="temb"/> [B, D].</summary>
    public override Tensor forward(Tensor x, Tensor temb)
    {
        using var scope = NewDisposeScope();
        var scaleShift = linear.forward(nn.functional.silu(temb).to(x.dtype)).chunk(2, 1);
        var normed = Fp32LayerNorm.Apply(x, eps);
        return (normed * scaleShift[0].unsqueeze(1).Plus(Kept(1))).Plus(scaleShift[1].unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
