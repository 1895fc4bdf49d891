using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// What diffusers does between the text encoder and the transformer (<c>_get_qwen_prompt_embeds</c>, then
/// <c>encode_prompt</c>): keep each prompt's valid positions, drop the template prefix, right-pad again, cut to
/// <c>max_sequence_length</c>, and drop an all-ones mask. Pure gathers and pads: the result is exact.
/// </summary>
internal static class PromptPostprocess
{
    /// <summary>
    /// Hidden states <c>[B, T, D]</c> with the tokenizer's mask <c>[B, T]</c> → per prompt the valid rows minus the first
    /// <paramref name="dropTokens"/>, stacked and zero-padded to the longest: embeds <c>[B, L, D]</c>, int64 mask <c>[B, L]</c>.
    /// </summary>
    public static (Tensor Embeds, Tensor Mask) SelectPromptTokens(Tensor hidden, Tensor attentionMask, int dropTokens = PromptTemplate.DropTokens)
    {
        if (hidden.dim() != 3 || attentionMask.dim() != 2 || hidden.shape[0] == 0 || hidden.shape[0] != attentionMask.shape[0] || hidden.shape[1] != attentionMask.shape[1])
            throw new ArgumentException(
                $"hidden states [B, T, D] and mask [B, T] must agree, with at least one prompt; got [{string.Join(", ", hidden.shape)}] and [{string.Join(", ", attentionMask.shape)}].");

        using var scope = NewDisposeScope();
        var valid = attentionMask.to(ScalarType.Bool);
        var kept = Enumerable.Range(0, (int)hidden.shape[0]).Select(b =>
        {
            var rows = hidden[b].index_select(0, valid[b].nonzero().squeeze(1));
            long length = Math.Max(0, rows.shape[0] - dropTokens);
            return rows.narrow(0, rows.shape[0] - length, length);
        }).ToList();

        long longest = kept.Max(rows => rows.shape[0]);
        var embeds = stack(kept.Select(rows => nn.functional.pad(rows, [0, 0, 0, longest - rows.shape[0]])).ToArray());
        var mask = stack(kept.Select(rows => cat([
            ones(rows.shape[0], dtype: ScalarType.Int64, device: hidden.device),
            zeros(longest - rows.shape[0], dtype: ScalarType.Int64, device: hidden.device)])).ToArray());
        return (embeds.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Cuts embeds and mask to <paramref name="maxSequenceLength"/> positions; a mask that is then all ones becomes null
    /// (the transformer runs without a text mask).
    /// </summary>
    public static PromptEmbedding Truncate(Tensor embeds, Tensor mask, int maxSequenceLength)
    {
        using var scope = NewDisposeScope();
        long length = Math.Min(maxSequenceLength, embeds.shape[1]);
        var cutEmbeds = embeds.narrow(1, 0, length).contiguous();
        var cutMask = mask.narrow(1, 0, length).contiguous();
        bool allOnes = cutMask.all().item<bool>();
        return new PromptEmbedding(cutEmbeds.MoveToOuterDisposeScope(), allOnes ? null : cutMask.MoveToOuterDisposeScope());
    }
}
