using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// The Qwen2.5-VL language model on the text-only path (transformers <c>Qwen2_5_VLTextModel</c>): token embeddings,
/// decoder layers and the final RMSNorm. Its output, the last hidden state after that norm, is what the pipeline uses as
/// prompt embeddings; there is no <c>lm_head</c>. Parameter names are the checkpoint's without the <c>model.</c> or
/// <c>model.language_model.</c> prefix.
/// </summary>
public sealed class Qwen25VLTextModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<Qwen2DecoderLayer> layers;
    private readonly Qwen2RmsNorm norm;

    /// <summary>Builds the model with uninitialised weights in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Qwen25VLTextModel(Qwen25VLTextConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(Qwen25VLTextModel))
    {
        Config = config;
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, device, dtype);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(layer => new Qwen2DecoderLayer(config, layer, device, dtype)).ToArray());
        norm = new Qwen2RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    public Qwen25VLTextConfig Config { get; }

    /// <summary>
    /// Loads a model folder's <c>text_encoder/</c> (config.json plus one safetensors file or sharded ones with an index)
    /// in <paramref name="dtype"/> on <paramref name="device"/>, strictly, ready for inference.
    /// </summary>
    public static Qwen25VLTextModel FromPretrained(string textEncoderFolder, ScalarType dtype, Device device)
    {
        var config = Qwen25VLTextConfig.FromFile(Path.Combine(textEncoderFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(textEncoderFolder);
        return FromCheckpoint(config, checkpoint, dtype, device);
    }

    /// <summary>The <c>text_encoder</c> component of a diffusers model folder, loaded strictly.</summary>
    public static Qwen25VLTextModel FromPretrained(ModelFolder model, ScalarType dtype, Device device) =>
        FromPretrained(model.Component("text_encoder").Folder, dtype, device);

    /// <summary>Builds the model for <paramref name="config"/> and fills it strictly from <paramref name="checkpoint"/>.</summary>
    public static Qwen25VLTextModel FromCheckpoint(Qwen25VLTextConfig config, Checkpoint checkpoint, ScalarType dtype, Device device) =>
        ModuleWeights.BuildFilled(() => new Qwen25VLTextModel(config, device, dtype), model => TextEncoderWeights.Load(model, checkpoint));

    /// <summary>
    /// Token ids <c>[B, T]</c> and an optional right-padding mask <c>[B, T]</c> (1 = token, 0 = padding) → last hidden
    /// state <c>[B, T, hidden]</c> in the model dtype. Attention is causal; padded keys are masked out and padded rows
    /// hold finite values that callers must ignore.
    /// </summary>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input ids must be [batch, length], got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        if (attentionMask is not null && !attentionMask.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException(
                $"attention mask [{string.Join(", ", attentionMask.shape)}] must match input ids [{string.Join(", ", inputIds.shape)}].",
                nameof(attentionMask));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var hidden = embed_tokens.forward(inputIds.to(ScalarType.Int64));
        var positions = Qwen2RotaryEmbedding.Positions(inputIds, attentionMask);
        var (cos, sin) = Qwen2RotaryEmbedding.Tables(positions, Config.HeadDim, Config.RopeTheta, hidden.dtype);
        var inputs = new TextAttentionInputs(cos, sin, TextAttentionInputs.MaskFor(attentionMask, inputIds.shape[1]));
        return RunLayers(hidden, inputs).MoveToOuterDisposeScope();
    }

    /// <summary>The embedding rows of token ids of any shape: <c>[..., hidden]</c>.</summary>
    internal Tensor Embed(Tensor ids) => embed_tokens.forward(ids.to(ScalarType.Int64));

    /// <summary>
    /// Input embeddings <c>[B, T, hidden]</c> (image embeddings already in place) at M-RoPE positions <c>[3, B, T]</c>,
    /// following whatever <paramref name="cache"/> holds (appended to it) → last hidden state <c>[B, T, hidden]</c>.
    /// Without a cache the pass is causal over <c>T</c> alone.
    /// </summary>
    internal Tensor Forward(Tensor embeddings, Tensor positions, IReadOnlyList<int> mropeSection, KeyValueCache? cache)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (cos, sin) = Qwen2RotaryEmbedding.MultimodalTables(positions, mropeSection, Config.HeadDim, Config.RopeTheta, embeddings.dtype);
        var inputs = TextAttentionInputs.ForCachedPass(cos, sin, cache?.Length ?? 0, embeddings.shape[1], cache);
        return RunLayers(embeddings, inputs).MoveToOuterDisposeScope();
    }

    private Tensor RunLayers(Tensor hidden, TextAttentionInputs inputs)
    {
        foreach (var layer in layers)
            hidden = layer.forward(hidden, inputs);
        return norm.forward(hidden);
    }
}
