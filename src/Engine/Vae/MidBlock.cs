using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary><c>QwenImageMidBlock</c> with one layer: residual, attention, residual.</summary>
internal sealed class MidBlock : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ResidualBlock> resnets;
    private readonly ModuleList<AttentionBlock> attentions;

    public MidBlock(long dim, Device? device, ScalarType dtype) : base(nameof(MidBlock))
    {
        resnets = nn.ModuleList(new ResidualBlock(dim, dim, device, dtype), new ResidualBlock(dim, dim, device, dtype));
        attentions = nn.ModuleList(new AttentionBlock(dim, device, dtype));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(x);
        for (int i = 0; i < attentions.Count; i++) h = resnets[i + 1].forward(attentions[i].forward(h));
        return h.MoveToOuterDisposeScope();
    }
}
