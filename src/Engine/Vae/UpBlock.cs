using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary><c>QwenImageUpBlock</c>: <c>num_res_blocks + 1</c> residual blocks, then an optional upsampler.</summary>
internal sealed class UpBlock : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResidualBlock> resnets;
    private readonly ModuleList<Resample>? upsamplers;

    public UpBlock(long inDim, long outDim, int numResBlocks, ResampleMode? upsample, Device? device, ScalarType dtype) : base(nameof(UpBlock))
    {
        resnets = nn.ModuleList<ResidualBlock>();
        for (int i = 0; i <= numResBlocks; i++) resnets.Add(new ResidualBlock(i == 0 ? inDim : outDim, outDim, device, dtype));
        upsamplers = upsample is { } mode ? nn.ModuleList(new Resample(outDim, mode, device, dtype)) : null;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var resnet in resnets) h = resnet.forward(h);
        if (upsamplers is not null) h = upsamplers[0].forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
