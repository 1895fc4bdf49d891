using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Several prompt embeddings as one transformer batch: each right-padded with zeros to the longest and the padding
/// masked. Text RoPE positions are index-based, so padding at the end changes nothing for the real tokens.
/// </summary>
internal static class TextBatch
{
    /// <summary>
    /// [B, longest, hidden] in <paramref name="dtype"/> on <paramref name="device"/>, and a [B, longest] int64 mask, or
    /// null when every row is all tokens (no padding and no masks), which keeps SDPA on its unmasked fast path.
    /// </summary>
    public static (Tensor Text, Tensor? Mask) Stack(IReadOnlyList<PromptEmbedding> prompts, ScalarType dtype, Device device)
    {
        using var scope = NewDisposeScope();
        long length = prompts.Max(p => p.Length);
        var text = cat([.. prompts.Select(p => nn.functional.pad(p.Embeds.to(dtype, device), [0, 0, 0, length - p.Length]))], 0);
        bool masked = prompts.Any(p => p.Mask is not null || p.Length != length);
        var mask = masked ? cat([.. prompts.Select(p => PaddedMask(p, length, device))], 0) : null;
        mask?.MoveToOuterDisposeScope();
        return (text.MoveToOuterDisposeScope(), mask);
    }

    private static Tensor PaddedMask(PromptEmbedding prompt, long length, Device device) =>
        nn.functional.pad(
            prompt.Mask?.to(ScalarType.Int64, device) ?? ones(prompt.Embeds.shape[0], prompt.Length, dtype: ScalarType.Int64, device: device),
            [0, length - prompt.Length]);
}
