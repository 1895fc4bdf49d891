using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Text;

/// <summary>
/// A seeded tiny text model over the demo model's real Qwen2.5 tokenizer (its vocabulary size, tiny width), so the
/// whole text → embedding path runs in milliseconds.
/// </summary>
public class PromptEncoderTests
{
    // Reading the vocabulary takes a while: once for the class.
    private static readonly Lazy<QwenTokenizer> Tokenizer = new(() => QwenTokenizer.FromFolder(Repository.Tokenizer));

    [Fact]
    public void Encode_RepeatedPrompt_ReturnsTheCachedTensorsWithoutAnotherPass()
    {
        using var encoder = CreateEncoder(TextEncoderResidency.KeepOnDevice, out _);

        var first = encoder.Encode("a red ball on grass");
        var again = encoder.Encode("a red ball on grass");

        Assert.Same(first, again);
        Assert.Same(first.Embeds, again.Embeds);
        Assert.Equal(1, encoder.EncoderPasses);
    }

    [Fact]
    public void Encode_Prompt_IsTheLastHiddenStateAfterTheTemplatePrefix()
    {
        using var encoder = CreateEncoder(TextEncoderResidency.KeepOnDevice, out var model);
        var tokenizer = Tokenizer.Value;
        using var scope = NewDisposeScope();
        var ids = tensor(tokenizer.Encode(PromptTemplate.Format("two cats")).Select(id => (long)id).ToArray()).unsqueeze(0);

        var embedding = encoder.Encode("two cats");

        var expected = model.Value.forward(ids, null)[.., PromptTemplate.DropTokens..];
        Assert.Null(embedding.Mask);
        Assert.True(embedding.Embeds.eq(expected).all().item<bool>());
    }

    [Fact]
    public void Encode_NegativePrompt_GivesSixEmbeddingRows()
    {
        using var encoder = CreateEncoder(TextEncoderResidency.KeepOnDevice, out _);

        var embedding = encoder.Encode(PromptTemplate.DefaultNegativePrompt);

        Assert.Equal(6, embedding.Length);
        Assert.Null(embedding.Mask);
    }

    [Fact]
    public void Encode_MaxSequenceLengthShorterThanThePrompt_CutsTheEmbeddings()
    {
        using var encoder = CreateEncoder(TextEncoderResidency.KeepOnDevice, out _);

        var embedding = encoder.Encode("a long prompt about many different things", maxSequenceLength: 3);

        Assert.Equal(3, embedding.Length);
    }

    [Fact]
    public void ReleaseEncoder_Unload_ReloadsOnlyForANewPrompt()
    {
        int loads = 0;
        using var encoder = CreateEncoder(TextEncoderResidency.Unload, out _, () => loads++);
        encoder.Encode("first");

        encoder.ReleaseEncoder();
        encoder.Encode("first");
        Assert.Equal(1, loads);
        encoder.Encode("second");

        Assert.Equal(2, loads);
        Assert.Equal(2, encoder.EncoderPasses);
    }

    [Fact]
    public void ReleaseEncoder_MoveToCpu_KeepsTheLoadedEncoder()
    {
        int loads = 0;
        using var encoder = CreateEncoder(TextEncoderResidency.MoveToCpu, out _, () => loads++);
        var before = encoder.Encode("first");

        encoder.ReleaseEncoder();
        var after = encoder.Encode("second");

        Assert.Equal(1, loads);
        Assert.Equal(before.Embeds.shape[2], after.Embeds.shape[2]);
    }

    private static PromptEncoder CreateEncoder(TextEncoderResidency residency, out Lazy<Qwen25VLTextModel> model, Action? onLoad = null)
    {
        var tokenizer = Tokenizer.Value;
        var tiny = new Qwen25VLTextConfig
        {
            VocabSize = tokenizer.AddedTokens.Values.Max() + 1, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2,
            NumAttentionHeads = 4, NumKeyValueHeads = 2, RmsNormEps = 1e-6, RopeTheta = 1e6,
        };
        model = new Lazy<Qwen25VLTextModel>(() => SeededModel(tiny));
        var shared = model;
        return new PromptEncoder(tokenizer, () =>
        {
            onLoad?.Invoke();
            return residency == TextEncoderResidency.Unload ? SeededModel(tiny) : shared.Value;
        }, CPU, residency);
    }

    private static Qwen25VLTextModel SeededModel(Qwen25VLTextConfig config)
    {
        var model = new Qwen25VLTextModel(config);
        var generator = new TorchSharp.torch.Generator(seed: 11);
        using (no_grad())
        {
            foreach (var parameter in model.parameters()) parameter.normal_(0, 0.2, generator);
        }
        model.eval();
        return model;
    }
}
