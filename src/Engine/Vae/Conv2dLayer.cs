using QwenLayered.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>nn.Conv2d</c>'s parameters (<c>weight</c> <c>[out, in, k, k]</c>, <c>bias</c>) under its state_dict names, computed
/// through <see cref="Convolutions.Conv2d"/> like every engine convolution.
/// </summary>
internal sealed class Conv2dLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _stride;
    private readonly long _padding;

    public Conv2dLayer(long inChannels, long outChannels, long kernel, Device? device, ScalarType dtype, long stride = 1, long padding = 0)
        : base(nameof(Conv2dLayer))
    {
        weight = new Parameter(zeros([outChannels, inChannels, kernel, kernel], dtype: dtype, device: device));
        bias = new Parameter(zeros(outChannels, dtype: dtype, device: device));
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Convolutions.Conv2d(x, weight, bias, _stride, _padding);
}
