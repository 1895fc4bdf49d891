using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// diffusers <c>FeedForward(activation_fn="gelu-approximate")</c>: <c>net</c> = [GELU-tanh projection to 4·dim,
/// dropout (p = 0, keeps slot 1), linear back to dim].
/// </summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private const int WidthMultiplier = 4;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> net;

    public FeedForward(long dim, Device? device, ScalarType? dtype) : base(nameof(FeedForward))
    {
        long inner = WidthMultiplier * dim;
        net = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            new GeluTanhProjection(dim, inner, device, dtype),
            nn.Dropout(0.0),
            new TransformerLinear(inner, dim, device, dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var layer in net)
            x = layer.forward(x);
        return x.MoveToOuterDisposeScope();
    }
}
