using TorchSharp;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageResidualBlock</c>: <c>conv2(SiLU(norm2(conv1(SiLU(norm1(x)))))) + shortcut(x)</c>, the shortcut a 1×1
/// conv when the width changes. Dropout is inference-inert and holds no weights, so it is left out.
/// </summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    private readonly ChannelL2Norm norm1;
    private readonly CausalConv3d conv1;
    private readonly ChannelL2Norm norm2;
    private readonly CausalConv3d conv2;
    private readonly CausalConv3d? conv_shortcut;

    public ResidualBlock(long inDim, long outDim, Device? device, ScalarType dtype) : base(nameof(ResidualBlock))
    {
        norm1 = new ChannelL2Norm(inDim, images: false, device, dtype);
        conv1 = new CausalConv3d(inDim, outDim, 3, device, dtype);
        norm2 = new ChannelL2Norm(outDim, images: false, device, dtype);
        conv2 = new CausalConv3d(outDim, outDim, 3, device, dtype);
        conv_shortcut = inDim != outDim ? new CausalConv3d(inDim, outDim, 1, device, dtype) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var shortcut = conv_shortcut is null ? x : conv_shortcut.forward(x);
        var h = conv1.forward(nn.functional.silu(norm1.forward(x)));
        h = conv2.forward(nn.functional.silu(norm2.forward(h)));
        return h.Plus(shortcut).MoveToOuterDisposeScope();
    }
}
