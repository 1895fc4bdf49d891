using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageResample</c>. Down: pad right and bottom by one, then a stride-2 3×3 conv. Up: 2× nearest, then a 3×3
/// conv to half the channels. In the 3-D modes <c>time_conv</c> only acts on frames after the first, so for the
/// single-frame path its weights are loaded (strict names) but never applied.
/// </summary>
internal sealed class Resample : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> resample;
    private readonly CausalConv3d? time_conv;

    public Resample(long dim, ResampleMode mode, Device? device, ScalarType dtype) : base(nameof(Resample))
    {
        bool down = mode is ResampleMode.Downsample2d or ResampleMode.Downsample3d;
        resample = down
            ? nn.Sequential(("0", nn.ZeroPad2d((0, 1, 0, 1))), ("1", new Conv2dLayer(dim, dim, 3, device, dtype, stride: 2)))
            : nn.Sequential(("0", new Upsample2x()), ("1", new Conv2dLayer(dim, dim / 2, 3, device, dtype, padding: 1)));
        time_conv = mode switch
        {
            ResampleMode.Downsample3d => new CausalConv3d(dim, dim, (3, 1, 1), device, dtype),
            ResampleMode.Upsample3d => new CausalConv3d(dim, dim * 2, (3, 1, 1), device, dtype),
            _ => null,
        };
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => resample.forward(x);
}
