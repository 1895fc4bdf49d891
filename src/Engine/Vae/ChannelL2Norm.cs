using TorchSharp;
using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageRMS_norm</c>, which is an L2 normalisation over the channel axis: <c>normalize(x, dim=channel) · √C · gamma</c>
/// (no eps inside a root mean square, unlike <see cref="Transformer.WeightDtypeRmsNorm"/>). The normalisation runs in fp32 for
/// half-precision inputs, as the reference does. <c>gamma</c> keeps its stored shape (<c>[C,1,1,1]</c> in residual
/// blocks, <c>[C,1,1]</c> in attention) and is viewed as <c>[C,1,1]</c> for the 4-D single-frame layout.
/// </summary>
internal sealed class ChannelL2Norm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;
    private readonly double _scale;

    public ChannelL2Norm(long channels, bool images, Device? device, ScalarType dtype) : base(nameof(ChannelL2Norm))
    {
        gamma = new Parameter(images ? ones(channels, 1, 1, dtype: dtype, device: device) : ones(channels, 1, 1, 1, dtype: dtype, device: device));
        _scale = Math.Sqrt(channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        bool half = x.dtype is ScalarType.Float16 or ScalarType.BFloat16;
        var normalized = nn.functional.normalize(half ? x.to(ScalarType.Float32) : x, p: 2, dim: 1).to(x.dtype);
        return (normalized * Kept(_scale) * gamma.view(-1, 1, 1)).MoveToOuterDisposeScope();
    }
}
