using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

/// <summary>A two-layer Qwen2.5-VL with seeded random weights and a byte-level vocabulary (ids 256… special), built in code.</summary>
internal static class TinyCaptionModel
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

    public static Qwen25VLCaptionModel Create(ulong seed = 7)
    {
        var model = new Qwen25VLCaptionModel(Config);
        using var generator = new Generator(seed);
        using (no_grad())
        {
            foreach (var parameter in model.parameters()) parameter.normal_(0, 0.6, generator);
        }
        model.eval();
        return model;
    }

    /// <summary>A 56x56 random image (4 tokens) inside a short chat prompt.</summary>
    public static MultimodalPrompt Prompt(Qwen25VLCaptionModel model)
    {
        using var scope = NewDisposeScope();
        var grid = new ImageGrid(1, 4, 4);
        using var generator = new Generator(3);
        var pixels = randn([grid.Patches, Config.Vision.PatchVectorSize], generator: generator);
        long[] ids = [ImStart, 117, 115, 10, VisionStart, ImagePad, ImagePad, ImagePad, ImagePad, VisionEnd, 104, 105, ImEnd, 10, ImStart, 97];
        var prompt = model.Prepare(ids, model.EncodeImages(pixels, [grid]), [grid]);
        prompt.Embeddings.MoveToOuterDisposeScope();
        return prompt;
    }
}
