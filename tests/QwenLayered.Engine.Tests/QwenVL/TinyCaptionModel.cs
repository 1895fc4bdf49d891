using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

/// <summary>
/// A two-layer Qwen2.5-VL with seeded random weights and a byte-level vocabulary (ids 256… special), built in code: its
/// language model and caption head, which it owns, and the captioner over them.
/// </summary>
internal sealed class TinyCaptionModel : IDisposable
{
    public const int ImStart = 257, ImEnd = 258, VisionStart = 259, VisionEnd = 260, ImagePad = 262;

    public static Qwen25VLConfig Config { get; } = new()
    {
        Text = new Qwen25VLTextConfig
        {
            VocabSize = 300, HiddenSize = 32, IntermediateSize = 48, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, RmsNormEps = 1e-6, RopeTheta = 1e4,
        },
        Vision = new Qwen25VLVisionConfig
        {
            Depth = 2, HiddenSize = 16, IntermediateSize = 24, NumHeads = 2, OutHiddenSize = 32, FullAttentionBlocks = [1],
        },
        ImageTokenId = ImagePad,
        VisionStartTokenId = VisionStart,
        MropeSection = [1, 1, 2],
        EosTokenIds = [ImEnd],
    };

    private TinyCaptionModel(Qwen25VLTextModel language, Qwen25VLCaptionHead head)
    {
        Language = language;
        Head = head;
        Model = new Qwen25VLCaptionModel(head, language);
    }

    public Qwen25VLTextModel Language { get; }

    public Qwen25VLCaptionHead Head { get; }

    public Qwen25VLCaptionModel Model { get; }

    public static TinyCaptionModel Create(ulong seed = 7)
    {
        var tiny = new TinyCaptionModel(new Qwen25VLTextModel(Config.Text), new Qwen25VLCaptionHead(Config));
        using var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var (_, weight) in tiny.Model.Weights()) weight.normal_(0, 0.6, generator);
        }
        tiny.Language.eval();
        tiny.Head.eval();
        return tiny;
    }

    /// <summary>
    /// A captioner over the tiny model's parts, each load a fresh copy of the same weights; <paramref name="onLoad"/> runs
    /// whenever it loads its head. The language model is borrowed, as the prompt encoder's is in a loaded model.
    /// </summary>
    public static Captioner NewCaptioner(QwenTokenizer tokenizer, Action onLoad, GenerationSettings generation)
    {
        var language = new ResidentLanguageModel(() => Part(tiny => tiny.Language), CPU);
        return new Captioner(tokenizer, language, () => { onLoad(); return Part(tiny => tiny.Head); },
            new Qwen2VLImageProcessor(ImageProcessorConfig.Default), generation);
    }

    /// <summary>A 56x56 random image (4 tokens) inside a short chat prompt.</summary>
    public MultimodalPrompt Prompt()
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(1, 4, 4);
        using var generator = new Generator(3);
        var pixels = randn([grid.Patches, Config.Vision.PatchVectorSize], generator: generator);
        long[] ids = [ImStart, 117, 115, 10, VisionStart, ImagePad, ImagePad, ImagePad, ImagePad, VisionEnd, 104, 105, ImEnd, 10, ImStart, 97];
        var prompt = Model.Prepare(ids, Model.EncodeImages(pixels, [grid]), [grid]);
        prompt.Embeddings.MoveToOuterDisposeScope();
        return prompt;
    }

    public void Dispose()
    {
        Head.Dispose();
        Language.Dispose();
    }

    // One part of a fresh tiny model, the other part disposed.
    private static T Part<T>(Func<TinyCaptionModel, T> part) where T : nn.Module
    {
        var tiny = Create();
        var kept = part(tiny);
        foreach (var module in new nn.Module[] { tiny.Language, tiny.Head }.Where(module => module != kept)) module.Dispose();
        return kept;
    }
}
