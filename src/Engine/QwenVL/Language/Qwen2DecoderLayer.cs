using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>One pre-norm decoder layer: <c>h += attn(norm(h))</c>, then <c>h += mlp(norm(h))</c>.</summary>
internal sealed class Qwen2DecoderLayer : nn.Module
{
    private readonly Qwen2Attention self_attn;
    private readonly Qwen2Mlp mlp;
    private readonly Qwen2RmsNorm input_layernorm;
    private readonly Qwen2RmsNorm post_attention_layernorm;

    public Qwen2DecoderLayer(Qwen25VLTextConfig config, int layer, Device? device, ScalarType dtype) : base(nameof(Qwen2DecoderLayer))
    {
        self_attn = new Qwen2Attention(config, layer, device, dtype);
        mlp = new Qwen2Mlp(config, device, dtype);
        input_layernorm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        post_attention_layernorm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    public Tensor forward(Tensor hidden, TextAttentionInputs inputs)
    {
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(self_attn.forward(input_layernorm.forward(hidden), inputs));
        return afterAttention.Plus(mlp.forward(post_attention_layernorm.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
