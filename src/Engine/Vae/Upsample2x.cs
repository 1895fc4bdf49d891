using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageUpsample</c> with factor 2. Nearest-exact at exactly 2× maps output pixel i to input pixel i/2, i.e.
/// it duplicates each pixel; that is done directly (bit-identical in every dtype, and libtorch's interpolate warns
/// about align_corners on every call). Holds no weights but keeps slot 0 of <c>resample</c>, as in the reference.
/// </summary>
internal sealed class Upsample2x : nn.Module<Tensor, Tensor>
{
    public Upsample2x() : base(nameof(Upsample2x)) { }

    public override Tensor forward(Tensor x)
    {
        using var rows = x.repeat_interleave(2, dim: 2);
        return rows.repeat_interleave(2, dim: 3);
    }
}
