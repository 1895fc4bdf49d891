using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>diffusers <c>TimestepEmbedding</c>: <c>linear_2(SiLU(linear_1(x)))</c>.</summary>
internal sealed class TimestepEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public TimestepEmbedding(long inChannels, long embedDim, Device? device, ScalarType? dtype) : base(nameof(TimestepEmbedding))
    {
        linear_1 = nn.Linear(inChannels, embedDim, device: device, dtype: dtype);
        linear_2 = nn.Linear(embedDim, embedDim, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return linear_2.forward(nn.functional.silu(linear_1.forward(input))).MoveToOuterDisposeScope();
    }
}
