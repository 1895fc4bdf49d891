using QwenLayered.Engine.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageCausalConv3d</c> on single frames. The 3-D kernel is kept as stored (<c>[out, in, kt, kh, kw]</c>) so the
/// reference weights load by name. A single frame sees 2·pad zero frames before it and none after, so only the last
/// temporal slice of the kernel touches real data: the op is a 2-D conv with <c>weight[:, :, -1]</c>.
/// </summary>
internal sealed class CausalConv3d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly long _spatialPadding;

    public CausalConv3d(long inChannels, long outChannels, long kernel, Device? device, ScalarType dtype)
        : this(inChannels, outChannels, (kernel, kernel, kernel), device, dtype) { }

    public CausalConv3d(long inChannels, long outChannels, (long T, long H, long W) kernel, Device? device, ScalarType dtype) : base(nameof(CausalConv3d))
    {
        weight = new Parameter(zeros([outChannels, inChannels, kernel.T, kernel.H, kernel.W], dtype: dtype, device: device));
        bias = new Parameter(zeros(outChannels, dtype: dtype, device: device));
        _spatialPadding = kernel.H / 2;
        RegisterComponents();
    }

    /// <summary><paramref name="x"/>: one frame as <c>[N, C, H, W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var lastSlice = weight.select(2, weight.shape[2] - 1);
        return Convolutions.Conv2d(x, lastSlice, bias, padding: _spatialPadding);
    }
}
