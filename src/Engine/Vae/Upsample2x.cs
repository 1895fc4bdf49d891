using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageUpsample</c> with factor 2: nearest-exact interpolation computed in fp32 and cast back (for a factor of 2
/// this duplicates pixels). Holds no weights but keeps slot 0 of <c>resample</c>, as in the reference.
/// </summary>
internal sealed class Upsample2x : nn.Module<Tensor, Tensor>
{
    public Upsample2x() : base(nameof(Upsample2x)) { }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var upsampled = nn.functional.interpolate(x.to(ScalarType.Float32), scale_factor: [2.0, 2.0], mode: InterpolationMode.NearestExact);
        return upsampled.to(x.dtype).MoveToOuterDisposeScope();
    }
}
