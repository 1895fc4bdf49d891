using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// What captioning adds to the Qwen2.5-VL language model: the vision tower (<c>visual.*</c>) and <c>lm_head</c>, which
/// turns the language model's last hidden state into next-token logits. Parameter names are the published checkpoint's.
/// </summary>
public sealed class Qwen25VLCaptionHead : nn.Module
{
    private readonly Qwen25VisionTransformer visual;
    private readonly Linear lm_head;

    /// <summary>Builds the head with uninitialised weights in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Qwen25VLCaptionHead(Qwen25VLConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(Qwen25VLCaptionHead))
    {
        Config = config;
        visual = new Qwen25VisionTransformer(config.Vision, device, dtype);
        lm_head = nn.Linear(config.Text.HiddenSize, config.Text.VocabSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public Qwen25VLConfig Config { get; }

    public Device Device => lm_head.weight!.device;

    public ScalarType DType => lm_head.weight!.dtype;

    /// <summary>Loads the vision tower and <c>lm_head</c> of a model folder's <c>text_encoder/</c> strictly, ready for inference.</summary>
    public static Qwen25VLCaptionHead FromPretrained(string textEncoderFolder, ScalarType dtype, Device device)
    {
        var config = Qwen25VLConfig.FromFile(Path.Combine(textEncoderFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(textEncoderFolder);
        return FromCheckpoint(config, checkpoint, dtype, device);
    }

    /// <summary>
    /// Builds the head for <paramref name="config"/> and fills it from <paramref name="checkpoint"/> (published
    /// <c>visual.*</c> layout or transformers ≥ 4.52's <c>model.visual.*</c>); the language model's tensors are left to
    /// <see cref="Qwen25VLTextModel"/>, anything else fails the load.
    /// </summary>
    public static Qwen25VLCaptionHead FromCheckpoint(Qwen25VLConfig config, Checkpoint checkpoint, ScalarType dtype, Device device)
    {
        string language = Qwen25VLCheckpointLayout.LanguageModelPrefix(checkpoint), vision = Qwen25VLCheckpointLayout.VisionPrefix(checkpoint);
        return ModuleWeights.BuildFilled(() => new Qwen25VLCaptionHead(config, device, dtype), head => head.LoadMapped(checkpoint,
            name => name.StartsWith("visual.", StringComparison.Ordinal) ? vision + name["visual.".Length..] : name,
            name => name.StartsWith(language, StringComparison.Ordinal), "the Qwen2.5-VL captioner's vision tower and lm_head"));
    }

    /// <summary>Pixel rows of <paramref name="grids"/> → image embeddings <c>[tokens, hidden]</c> (see the vision tower for <paramref name="trace"/>).</summary>
    internal Tensor EncodeImages(Tensor pixelValues, IReadOnlyList<ImageGrid> grids, Action<string, Tensor>? trace = null) =>
        visual.forward(pixelValues.to(DType, Device), grids, trace);

    /// <summary>Hidden states <c>[..., hidden]</c> → next-token logits <c>[..., vocab]</c> in the model dtype.</summary>
    internal Tensor Logits(Tensor hidden) => lm_head.forward(hidden);
}
