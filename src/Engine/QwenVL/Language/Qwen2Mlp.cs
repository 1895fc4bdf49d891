using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// Qwen2MLP, a SwiGLU: <c>down_proj(silu(gate_proj(x)) · up_proj(x))</c>; without biases in the language model, with
/// them in the vision tower's blocks.
/// </summary>
internal sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear gate_proj;
    private readonly Linear up_proj;
    private readonly Linear down_proj;

    public Qwen2Mlp(Qwen25VLTextConfig config, Device? device, ScalarType dtype)
        : this(config.HiddenSize, config.IntermediateSize, hasBias: false, device, dtype)
    {
    }

    public Qwen2Mlp(long hiddenSize, long intermediateSize, bool hasBias, Device? device, ScalarType dtype) : base(nameof(Qwen2Mlp))
    {
        gate_proj = nn.Linear(hiddenSize, intermediateSize, hasBias: hasBias, device: device, dtype: dtype);
        up_proj = nn.Linear(hiddenSize, intermediateSize, hasBias: hasBias, device: device, dtype: dtype);
        down_proj = nn.Linear(intermediateSize, hiddenSize, hasBias: hasBias, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var gated = nn.functional.silu(gate_proj.forward(input)) * up_proj.forward(input);
        return down_proj.forward(gated).MoveToOuterDisposeScope();
    }
}
