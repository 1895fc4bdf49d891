using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Qwen2.5-VL as a captioner (transformers <c>Qwen2_5_VLForConditionalGeneration</c>): the <paramref name="head"/>'s
/// vision tower and <c>lm_head</c> over a language model it borrows, the prompt encoder's, so the language model is in
/// memory once. Image embeddings replace the <c>&lt;|image_pad|&gt;</c> tokens, the language model runs at M-RoPE
/// positions with an optional KV cache, and <c>lm_head</c> turns the last hidden state into next-token logits.
/// Owns nothing: whoever loaded the head and the language model disposes them.
/// </summary>
public sealed class Qwen25VLCaptionModel(Qwen25VLCaptionHead head, Qwen25VLTextModel languageModel)
{
    public Qwen25VLConfig Config => head.Config;

    public Device Device => head.Device;

    /// <summary>Every weight under its published checkpoint name, in the checkpoint's order (<c>visual.*</c>, <c>model.*</c>, <c>lm_head.*</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> Weights()
    {
        var own = head.state_dict();
        return
        [
            .. own.Where(pair => pair.Key.StartsWith("visual.", StringComparison.Ordinal)),
            .. languageModel.state_dict().Select(pair => KeyValuePair.Create("model." + pair.Key, pair.Value)),
            .. own.Where(pair => !pair.Key.StartsWith("visual.", StringComparison.Ordinal)),
        ];
    }

    /// <summary>Pixel rows of <paramref name="grids"/> → image embeddings <c>[tokens, hidden]</c> (see the vision tower for <paramref name="trace"/>).</summary>
    internal Tensor EncodeImages(Tensor pixelValues, IReadOnlyList<ImageGrid> grids, Action<string, Tensor>? trace = null) =>
        head.EncodeImages(pixelValues, grids, trace);

    /// <summary>Ids with expanded placeholders and the images' embeddings → the language model's input.</summary>
    internal MultimodalPrompt Prepare(long[] ids, Tensor imageEmbeds, IReadOnlyList<ImageGrid> grids)
    {
        var positions = MultimodalPositions.Compute(ids, Config.ImageTokenId, grids, Config.Vision.SpatialMergeSize);
        using var scope = NewDisposeScope();
        var idTensor = tensor(ids, device: Device);
        var slots = idTensor.eq(Kept(Config.ImageTokenId)).nonzero().squeeze(1);
        if (slots.shape[0] != imageEmbeds.shape[0])
            throw new ArgumentException($"The prompt has {slots.shape[0]} image placeholders for {imageEmbeds.shape[0]} image embeddings.");
        var embeddings = languageModel.Embed(idTensor).index_copy(0, slots, imageEmbeds.to(head.DType, Device)).unsqueeze(0);
        return new MultimodalPrompt(ids, embeddings.MoveToOuterDisposeScope(), positions);
    }

    /// <summary>The embedding rows of <paramref name="ids"/>: <c>[1, n, hidden]</c>.</summary>
    internal Tensor EmbedTokens(IReadOnlyList<long> ids)
    {
        using var scope = NewDisposeScope();
        return languageModel.Embed(tensor(ids.ToArray(), device: Device)).unsqueeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One language-model pass over <paramref name="embeddings"/> <c>[1, T, hidden]</c> at <paramref name="positions"/>
    /// <c>[3, 1, T]</c> after what <paramref name="cache"/> holds → the last hidden states <c>[1, T, hidden]</c> and the
    /// fp32 logits <c>[vocab]</c> of the final position.
    /// </summary>
    internal (Tensor Hidden, Tensor Logits) Step(Tensor embeddings, Tensor positions, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var hidden = languageModel.Forward(embeddings, positions.to(Device), Config.MropeSection, cache);
        var logits = head.Logits(hidden[0, -1]).to(ScalarType.Float32);
        return (hidden.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Positions <c>[3, 1, count]</c> of the tokens at sequence indexes <paramref name="first"/>… after the prompt.</summary>
    internal static Tensor PositionsAfter(MultimodalPositions prompt, long first, long count) =>
        arange(Kept(prompt.After(first)), Kept(prompt.After(first) + count), Kept(1), dtype: ScalarType.Int64).view(1, 1, -1).expand(3, 1, -1);

    /// <summary>The prompt's own positions <c>[3, 1, T]</c>.</summary>
    internal static Tensor PromptPositions(MultimodalPositions prompt) =>
        stack(prompt.Streams.Select(stream => tensor(stream)).ToArray()).unsqueeze(1);
}
