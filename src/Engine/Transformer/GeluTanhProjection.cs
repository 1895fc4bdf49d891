using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>diffusers <c>GELU(approximate="tanh")</c> block: <c>gelu_tanh(proj(x))</c>, stored as <c>net.0.proj</c>.</summary>
internal sealed class GeluTanhProjection : nn.Module<Tensor, Tensor>
{
    private readonly TransformerLinear proj;

    public GeluTanhProjection(long inDim, long outDim, Device? device, ScalarType? dtype) : base(nameof(GeluTanhProjection))
    {
        proj = new TransformerLinear(inDim, outDim, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.gelu(proj.forward(input), GELU.Approximate.tanh).MoveToOuterDisposeScope();
    }
}
