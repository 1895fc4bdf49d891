using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>LayerNorm over the last dimension without affine parameters, computed in fp32 and cast back.</summary>
internal static class Fp32LayerNorm
{
    public static Tensor Apply(Tensor x, double eps)
    {
        using var scope = NewDisposeScope();
        var normed = nn.functional.layer_norm(x.to(ScalarType.Float32), [x.shape[^1]], eps: eps);
        return normed.to(x.dtype).MoveToOuterDisposeScope();
    }
}
