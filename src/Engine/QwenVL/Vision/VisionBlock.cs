using QwenLayered.Engine.QwenVL.Language;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>One pre-norm vision block: <c>h += attn(norm1(h))</c>, then <c>h += mlp(norm2(h))</c>; RMSNorm eps 1e-6.</summary>
internal sealed class VisionBlock : nn.Module
{
    private const double NormEps = 1e-6;

    private readonly Qwen2RmsNorm norm1;
    private readonly Qwen2RmsNorm norm2;
    private readonly VisionAttention attn;
    private readonly Qwen2Mlp mlp;

    public VisionBlock(Qwen25VLVisionConfig config, Device? device, ScalarType dtype) : base(nameof(VisionBlock))
    {
        norm1 = new Qwen2RmsNorm(config.HiddenSize, NormEps, device, dtype);
        norm2 = new Qwen2RmsNorm(config.HiddenSize, NormEps, device, dtype);
        attn = new VisionAttention(config, device, dtype);
        mlp = new Qwen2Mlp(config.HiddenSize, config.IntermediateSize, hasBias: true, device, dtype);
        RegisterComponents();
    }

    public Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(attn.forward(norm1.forward(hidden), cos, sin, mask));
        return afterAttention.Plus(mlp.forward(norm2.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
