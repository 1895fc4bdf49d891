using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static QwenLayered.Engine.Runtime.Scalars;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Qwen2.5-VL as a captioner (transformers <c>Qwen2_5_VLForConditionalGeneration</c>): the vision tower
/// (<c>visual.*</c>), the language model (<c>model.*</c>) and <c>lm_head</c>. Image embeddings replace the
/// <c>&lt;|image_pad|&gt;</c> tokens, the language model runs at M-RoPE positions with an optional KV cache, and
/// <c>lm_head</c> turns the last hidden state into next-token logits.
/// </summary>
public sealed class Qwen25VLCaptionModel : nn.Module
{
    private readonly Qwen25VisionTransformer visual;
    private readonly Qwen25VLTextModel model;
    private readonly Linear lm_head;

    /// <summary>Builds the model with uninitialised weights in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Qwen25VLCaptionModel(Qwen25VLConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(Qwen25VLCaptionModel))
    {
        Config = config;
        visual = new Qwen25VisionTransformer(config.Vision, device, dtype);
        model = new Qwen25VLTextModel(config.Text, device, dtype);
        lm_head = nn.Linear(config.Text.HiddenSize, config.Text.VocabSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public Qwen25VLConfig Config { get; }

    public Device Device => lm_head.weight!.device;

    /// <summary>Loads a model folder's <c>text_encoder/</c> (config.json and its safetensors) strictly, ready for inference.</summary>
    public static Qwen25VLCaptionModel FromPretrained(string textEncoderFolder, ScalarType dtype, Device device)
    {
        var config = Qwen25VLConfig.FromFile(Path.Combine(textEncoderFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(textEncoderFolder);
        return FromCheckpoint(config, checkpoint, dtype, device);
    }

    /// <summary>
    /// Builds the model for <paramref name="config"/> and fills every parameter from <paramref name="checkpoint"/>
    /// (published <c>model.*</c>/<c>visual.*</c> layout or transformers ≥ 4.52's nested one); nothing may be left over.
    /// </summary>
    public static Qwen25VLCaptionModel FromCheckpoint(Qwen25VLConfig config, Checkpoint checkpoint, ScalarType dtype, Device device)
    {
        string text = Qwen25VLCheckpointLayout.LanguageModelPrefix(checkpoint), vision = Qwen25VLCheckpointLayout.VisionPrefix(checkpoint);
        return ModuleWeights.BuildFilled(() => new Qwen25VLCaptionModel(config, device, dtype), captioner => captioner.LoadMapped(checkpoint, name =>
            name.StartsWith("model.", StringComparison.Ordinal) ? text + name["model.".Length..]
            : name.StartsWith("visual.", StringComparison.Ordinal) ? vision + name["visual.".Length..]
            : name, _ => false, "the Qwen2.5-VL captioner"));
    }

    /// <summary>Pixel rows of <paramref name="grids"/> → image embeddings <c>[tokens, hidden]</c> (see the vision tower for <paramref name="trace"/>).</summary>
    internal Tensor EncodeImages(Tensor pixelValues, IReadOnlyList<ImageGrid> grids, Action<string, Tensor>? trace = null) =>
        visual.forward(pixelValues.to(lm_head.weight!.dtype, Device), grids, trace);

    /// <summary>Ids with expanded placeholders and the images' embeddings → the language model's input.</summary>
    internal MultimodalPrompt Prepare(long[] ids, Tensor imageEmbeds, IReadOnlyList<ImageGrid> grids)
    {
        var positions = MultimodalPositions.Compute(ids, Config.ImageTokenId, grids, Config.Vision.SpatialMergeSize);
        using var scope = NewDisposeScope();
        var idTensor = tensor(ids, device: Device);
        var slots = idTensor.eq(Kept(Config.ImageTokenId)).nonzero().squeeze(1);
        if (slots.shape[0] != imageEmbeds.shape[0])
            throw new ArgumentException($"The prompt has {slots.shape[0]} image placeholders for {imageEmbeds.shape[0]} image embeddings.");
        var embeddings = model.Embed(idTensor).index_copy(0, slots, imageEmbeds.to(lm_head.weight!.dtype, Device)).unsqueeze(0);
        return new MultimodalPrompt(ids, embeddings.MoveToOuterDisposeScope(), positions);
    }

    /// <summary>The embedding rows of <paramref name="ids"/>: <c>[1, n, hidden]</c>.</summary>
    internal Tensor EmbedTokens(IReadOnlyList<long> ids)
    {
        using var scope = NewDisposeScope();
        return model.Embed(tensor(ids.ToArray(), device: Device)).unsqueeze(0).MoveToOuterDisposeScope();
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
        var hidden = model.Forward(embeddings, positions.to(Device), Config.MropeSection, cache);
        var logits = lm_head.forward(hidden[0, -1]).to(ScalarType.Float32);
        return (hidden.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>Positions <c>[3, 1, count]</c> of the tokens at sequence indexes <paramref name="first"/>… after the prompt.</summary>
    internal static Tensor PositionsAfter(MultimodalPositions prompt, long first, long count) =>
        arange(Kept(prompt.After(first)), Kept(prompt.After(first) + count), Kept(1), dtype: ScalarType.Int64).view(1, 1, -1).expand(3, 1, -1);

    /// <summary>The prompt's own positions <c>[3, 1, T]</c>.</summary>
    internal static Tensor PromptPositions(MultimodalPositions prompt) =>
        stack(prompt.Streams.Select(stream => tensor(stream)).ToArray()).unsqueeze(1);
}
