using TorchSharp;
using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// Qwen2RMSNorm: <c>weight · (x / √(mean(x²) + eps))</c> with the statistics in fp32 and the normalised value cast back
/// to the input dtype before the scale, as transformers does (so bf16 rounds at the same point).
/// </summary>
internal sealed class Qwen2RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly double _eps;

    public Qwen2RmsNorm(long size, double eps, Device? device, ScalarType dtype) : base(nameof(Qwen2RmsNorm))
    {
        // Detached: a module built inside a caller's dispose scope must not lose its weights when that scope ends.
        weight = new Parameter(ones(size, dtype: dtype, device: device).DetachFromDisposeScope(), requires_grad: false);
        _eps = eps;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var normalized = x * rsqrt(x.pow(Kept(2)).mean([-1], keepdim: true).Plus(Kept(_eps)));
        return (weight * normalized.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
