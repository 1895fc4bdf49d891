using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;

namespace QwenLayered.Toolbox.RandomModels;

/// <summary>
/// The configs of a complete layered model, and the Qwen2.5 tokenizer folder it uses. With a vision tower the text
/// encoder is a whole Qwen2.5-VL model and can caption images; without one it is the language model alone.
/// </summary>
public sealed record RandomModelConfigs(
    QwenImageTransformerConfig Transformer,
    AutoencoderKLQwenImageConfig Vae,
    SchedulerConfig Scheduler,
    Qwen25VLTextConfig TextEncoder,
    string TokenizerFolder)
{
    public Qwen25VLVisionConfig? Vision { get; init; }

    /// <summary>M-RoPE frequency pairs per position stream (temporal, height, width); sums to the text head_dim / 2.</summary>
    public int[] MropeSection { get; init; } = Qwen25VLConfig.Qwen25VL7B.MropeSection;

    /// <summary>The whole Qwen2.5-VL config when there is a vision tower, with the published token ids.</summary>
    public Qwen25VLConfig? Multimodal => Vision is null ? null : new Qwen25VLConfig
    {
        Text = TextEncoder,
        Vision = Vision,
        ImageTokenId = Qwen25VLConfig.Qwen25VL7B.ImageTokenId,
        VisionStartTokenId = Qwen25VLConfig.Qwen25VL7B.VisionStartTokenId,
        MropeSection = MropeSection,
        EosTokenIds = Qwen25VLConfig.Qwen25VL7B.EosTokenIds,
    };

    /// <summary>
    /// A model small enough for tests on a CPU (seconds per decomposition at 64x64), with the published architecture,
    /// scheduler and tokenizer, and a tiny vision tower so it captions. The text encoder keeps the full vocabulary so
    /// every token id is valid.
    /// </summary>
    public static RandomModelConfigs Tiny(string tokenizerFolder) => new(
        new QwenImageTransformerConfig
        {
            NumLayers = 2, AttentionHeadDim = 16, NumAttentionHeads = 2, JointAttentionDim = 32,
            AxesDimsRope = [4, 6, 6], UseAdditionalTCond = true, UseLayer3DRope = true,
        },
        new AutoencoderKLQwenImageConfig { BaseDim = 4, InputChannels = 4 },
        SchedulerConfig.QwenImageLayered,
        new Qwen25VLTextConfig
        {
            VocabSize = Qwen25VLTextConfig.Qwen25VL7B.VocabSize, HiddenSize = 32, IntermediateSize = 64, NumHiddenLayers = 2,
            NumAttentionHeads = 2, NumKeyValueHeads = 1, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 4096,
        },
        tokenizerFolder)
    {
        Vision = new Qwen25VLVisionConfig
        {
            Depth = 2, HiddenSize = 32, IntermediateSize = 64, NumHeads = 2, OutHiddenSize = 32, FullAttentionBlocks = [1],
        },
        MropeSection = [2, 3, 3],
    };

    /// <summary>
    /// A model between <see cref="Tiny"/> and the published one (a 256-wide, 4-block transformer, a 16-channel VAE), so
    /// CPU measurements are dominated by arithmetic rather than per-call overhead.
    /// </summary>
    public static RandomModelConfigs Small(string tokenizerFolder) => Tiny(tokenizerFolder) with
    {
        Transformer = new QwenImageTransformerConfig
        {
            NumLayers = 4, AttentionHeadDim = 32, NumAttentionHeads = 8, JointAttentionDim = 64,
            AxesDimsRope = [8, 12, 12], UseAdditionalTCond = true, UseLayer3DRope = true,
        },
        Vae = new AutoencoderKLQwenImageConfig { BaseDim = 16, InputChannels = 4 },
        TextEncoder = new Qwen25VLTextConfig
        {
            VocabSize = Qwen25VLTextConfig.Qwen25VL7B.VocabSize, HiddenSize = 64, IntermediateSize = 128, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 4096,
        },
        Vision = new Qwen25VLVisionConfig
        {
            Depth = 2, HiddenSize = 64, IntermediateSize = 128, NumHeads = 4, OutHiddenSize = 64, FullAttentionBlocks = [1],
        },
    };

    /// <summary>
    /// The shipped demo model's shape: a 4-block, 128-wide transformer and a 16-channel VAE with one residual block per
    /// stage, trainable on two CPU cores in about two hours; a one-block 16-wide language model (no vision tower, so
    /// no captions: the demo is trained with the empty prompt) keeps the full vocabulary for every token id.
    /// </summary>
    public static RandomModelConfigs Demo(string tokenizerFolder) => new(
        new QwenImageTransformerConfig
        {
            NumLayers = 4, AttentionHeadDim = 32, NumAttentionHeads = 4, JointAttentionDim = 16,
            AxesDimsRope = [8, 12, 12], UseAdditionalTCond = true, UseLayer3DRope = true,
        },
        new AutoencoderKLQwenImageConfig { BaseDim = 16, NumResBlocks = 1, InputChannels = 4 },
        SchedulerConfig.QwenImageLayered,
        new Qwen25VLTextConfig
        {
            VocabSize = Qwen25VLTextConfig.Qwen25VL7B.VocabSize, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 1,
            NumAttentionHeads = 2, NumKeyValueHeads = 1, RmsNormEps = 1e-6, RopeTheta = 1e6, MaxPositionEmbeddings = 4096,
        },
        tokenizerFolder)
    {
        MropeSection = [1, 1, 2],
    };

    /// <summary>
    /// The published sizes: the 20.4B Qwen-Image-Layered transformer, the RGBA VAE and the Qwen2.5-VL-7B language model,
    /// for measuring the real model's speed and memory without its weights.
    /// </summary>
    public static RandomModelConfigs Full(string tokenizerFolder) => new(
        QwenImageTransformerConfig.QwenImageLayered,
        new AutoencoderKLQwenImageConfig { InputChannels = 4 },
        SchedulerConfig.QwenImageLayered,
        Qwen25VLTextConfig.Qwen25VL7B,
        tokenizerFolder)
    {
        Vision = Qwen25VLConfig.Qwen25VL7B.Vision,
    };

    /// <summary><see cref="Tiny"/>, <see cref="Small"/>, <see cref="Demo"/> or <see cref="Full"/> by name.</summary>
    public static RandomModelConfigs Named(string name, string tokenizerFolder) => name.Trim().ToLowerInvariant() switch
    {
        "tiny" => Tiny(tokenizerFolder),
        "small" => Small(tokenizerFolder),
        "demo" => Demo(tokenizerFolder),
        "full" => Full(tokenizerFolder),
        _ => throw new ArgumentException($"Unknown random model config '{name}'. Use tiny, small, demo or full.", nameof(name)),
    };
}
