using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// diffusers <c>RMSNorm</c> over the last axis with a learned <c>weight</c>: the mean square is taken in fp32 and the
/// normalised value is rounded to the weight's dtype before the scale, as the reference does for bf16/fp16 weights
/// (the text encoder's <see cref="Text.Qwen2RmsNorm"/> rounds to the input's dtype instead).
/// </summary>
internal sealed class WeightDtypeRmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double eps;
    private readonly Parameter weight;

    public WeightDtypeRmsNorm(long dim, double eps, Device? device = null, ScalarType? dtype = null) : base(nameof(WeightDtypeRmsNorm))
    {
        this.eps = eps;
        weight = new Parameter(ones(dim, dtype: dtype, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(Kept(2)).mean([-1], keepdim: true);
        var normed = (x * rsqrt(variance.Plus(Kept(eps)))).to(weight.dtype);
        return (normed * weight).MoveToOuterDisposeScope();
    }
}
