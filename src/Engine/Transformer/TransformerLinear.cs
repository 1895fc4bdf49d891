using TorchSharp;
using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// A linear layer of a transformer block (<c>weight</c>, <c>bias</c>, as <c>nn.Linear</c> stores them) that can hold its
/// weight as int8 with one scale per output channel (<c>weight_scale</c>): weight-only quantization halves the block's
/// bf16 weights. A quantized layer computes <c>(x·Wq^T)·scale + bias</c>, casting the int8 weight to the input's dtype
/// for the matmul, so activations stay in the compute dtype.
/// </summary>
internal sealed class TransformerLinear : nn.Module<Tensor, Tensor>
{
    // Symmetric int8: the largest magnitude of a row maps to ±127 (−128 is never used, so negation stays exact).
    private const double Int8Max = 127;

    private Parameter weight;
    private readonly Parameter bias;
    private Tensor? weight_scale;

    public TransformerLinear(long inFeatures, long outFeatures, Device? device, ScalarType? dtype) : base(nameof(TransformerLinear))
    {
        // Same shapes and initialisation as nn.Linear, so a freshly built block behaves as before.
        using var dense = nn.Linear(inFeatures, outFeatures, device: device, dtype: dtype);
        weight = new Parameter(dense.weight!.detach().clone(), requires_grad: false);
        bias = new Parameter(dense.bias!.detach().clone(), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Whether the weight is held as int8 with per-channel scales.</summary>
    public bool IsQuantized => weight_scale is not null;

    public override Tensor forward(Tensor input)
    {
        if (weight_scale is null) return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        var output = nn.functional.linear(input, weight.to(input.dtype)) * weight_scale.to(input.dtype);
        return output.Plus(bias.to(input.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Replaces the weight, where it lives, by its int8 rounding with one scale per output channel (largest magnitude of
    /// the row / 127, kept in the weight's dtype); the bias stays as it is.
    /// </summary>
    public void Quantize()
    {
        if (IsQuantized) return;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (quantized, scale) = weight.device_type == DeviceType.META ? Shapes(weight) : RoundToInt8(weight);
        var old = weight;
        weight = new Parameter(quantized.MoveToOuterDisposeScope(), requires_grad: false);
        ConditionallyRegisterParameter(nameof(weight), weight);
        weight_scale = scale.to(old.dtype).MoveToOuterDisposeScope();
        register_buffer(nameof(weight_scale), weight_scale);
        old.Dispose();
    }

    private static (Tensor Quantized, Tensor Scale) RoundToInt8(Tensor weight)
    {
        var dense = weight.to(ScalarType.Float32);
        var scale = dense.abs().amax([1]).clamp_min(Kept(1e-12)) / Kept(Int8Max);
        return ((dense / scale.unsqueeze(1)).round().clamp(Kept(-Int8Max), Kept(Int8Max)).to(ScalarType.Int8), scale);
    }

    // On the meta device (shapes only, for memory plans) there are no values to round.
    private static (Tensor Quantized, Tensor Scale) Shapes(Tensor weight) =>
        (empty(weight.shape, ScalarType.Int8, META), empty(weight.shape[0], weight.dtype, META));
}
