using QwenLayered.Engine.QwenVL.Language;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The patch merger: RMSNorm (<c>ln_q</c>) per patch, each merge block of patches concatenated, then
/// <c>Linear → GELU (erf) → Linear</c> into the language model's width. <c>mlp</c> keeps the reference's Sequential
/// slots (0, 1 = GELU without weights, 2).
/// </summary>
internal sealed class PatchMerger : nn.Module
{
    private readonly Qwen2RmsNorm ln_q;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> mlp;
    private readonly long _mergedWidth;

    public PatchMerger(Qwen25VLVisionConfig config, Device? device, ScalarType dtype) : base(nameof(PatchMerger))
    {
        _mergedWidth = (long)config.HiddenSize * config.MergeUnit;
        ln_q = new Qwen2RmsNorm(config.HiddenSize, 1e-6, device, dtype);
        mlp = nn.ModuleList<nn.Module<Tensor, Tensor>>(
            nn.Linear(_mergedWidth, _mergedWidth, hasBias: true, device: device, dtype: dtype),
            nn.GELU(),
            nn.Linear(_mergedWidth, config.OutHiddenSize, hasBias: true, device: device, dtype: dtype));
        RegisterComponents();
    }

    /// <summary>
    /// Patches <c>[patches, hidden]</c> (merge blocks contiguous) → tokens <c>[patches / merge², out_hidden]</c>.
    /// <paramref name="trace"/> sees <c>merger_ln_q</c> and <c>merger_fc1</c> (pre-GELU) in the input's row order.
    /// </summary>
    public Tensor forward(Tensor patches, Action<string, Tensor>? trace = null)
    {
        using var scope = NewDisposeScope();
        var normalized = ln_q.forward(patches);
        trace?.Invoke("merger_ln_q", normalized);
        var firstLayer = mlp[0].forward(normalized.reshape(-1, _mergedWidth));
        trace?.Invoke("merger_fc1", firstLayer);
        return mlp[2].forward(mlp[1].forward(firstLayer)).MoveToOuterDisposeScope();
    }
}
