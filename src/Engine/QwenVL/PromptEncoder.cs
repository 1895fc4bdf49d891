using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL.Language;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Prompt text → <see cref="PromptEmbedding"/> as diffusers' <c>encode_prompt</c> computes it for one prompt: the
/// template, the Qwen2.5-VL last hidden state, the 34-token drop, <c>max_sequence_length</c> and the null mask. Results
/// are cached by text, so a repeated prompt or the constant negative prompt runs no encoder pass. The language model is
/// its <see cref="LanguageModel"/>, which a <see cref="Captioner"/> may share: loaded on first use and, after
/// <see cref="ReleaseEncoder"/>, kept, moved to the CPU or unloaded per <see cref="TextEncoderResidency"/>.
/// </summary>
public sealed class PromptEncoder : IDisposable
{
    /// <summary>The pipeline's default <c>max_sequence_length</c>.</summary>
    public const int DefaultMaxSequenceLength = 512;

    private readonly QwenTokenizer _tokenizer;
    private readonly PromptEmbeddingCache _cache;
    private readonly Lock _gate = new();

    /// <param name="languageModel">The language model to encode with; the encoder owns it (disposes it).</param>
    public PromptEncoder(QwenTokenizer tokenizer, ResidentLanguageModel languageModel, int cacheCapacity = 32)
    {
        _tokenizer = tokenizer;
        LanguageModel = languageModel;
        _cache = new PromptEmbeddingCache(cacheCapacity);
    }

    /// <summary>A prompt encoder over a model folder's <c>tokenizer</c> and <c>text_encoder</c> components.</summary>
    public static PromptEncoder FromPretrained(ModelFolder model, ScalarType dtype, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, int cacheCapacity = 32)
    {
        string textEncoderFolder = model.Component("text_encoder").Folder;
        return new PromptEncoder(QwenTokenizer.FromFolder(model.Component("tokenizer").Folder),
            new ResidentLanguageModel(() => Qwen25VLTextModel.FromPretrained(textEncoderFolder, dtype, device), device, residency), cacheCapacity);
    }

    /// <summary>The Qwen2.5-VL language model this encoder runs, loaded once for captioning too.</summary>
    public ResidentLanguageModel LanguageModel { get; }

    /// <summary>How many times the text encoder has run; a cache hit adds nothing.</summary>
    public long EncoderPasses { get; private set; }

    /// <summary>
    /// The embeddings of <paramref name="prompt"/> (batch 1, mask null) on the encoder's device. They belong to this
    /// encoder's cache: do not dispose them; they stay valid until evicted by <c>cacheCapacity</c> newer prompts.
    /// </summary>
    public PromptEmbedding Encode(string prompt, int maxSequenceLength = DefaultMaxSequenceLength)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSequenceLength);
        lock (_gate)
        {
            if (_cache.TryGet(prompt, maxSequenceLength, out var cached)) return cached;

            var embedding = LanguageModel.Use(encoder =>
            {
                using var scope = NewDisposeScope();
                long[] ids = [.. _tokenizer.Encode(PromptTemplate.Format(prompt)).Select(id => (long)id)];
                var inputIds = tensor(ids, dtype: ScalarType.Int64, device: LanguageModel.Device).unsqueeze(0);
                var mask = ones_like(inputIds);
                // One unpadded prompt: no mask is the same attention as an all-ones one, and lets SDPA take its causal fast path.
                var hidden = encoder.forward(inputIds, null);

                var (embeds, keptMask) = PromptPostprocess.SelectPromptTokens(hidden, mask);
                var truncated = PromptPostprocess.Truncate(embeds, keptMask, maxSequenceLength);
                truncated.Embeds.DetachFromDisposeScope();
                truncated.Mask?.DetachFromDisposeScope();
                return truncated;
            });
            EncoderPasses++;
            _cache.Add(prompt, maxSequenceLength, embedding);
            return embedding;
        }
    }

    /// <summary>Loads the text encoder now, so the first new prompt does not pay for it.</summary>
    public void LoadEncoder() => LanguageModel.Load();

    /// <summary>Frees the compute device of the text encoder as <see cref="TextEncoderResidency"/> says; cached embeddings stay.</summary>
    public void ReleaseEncoder() => LanguageModel.Release();

    /// <summary>The modules in memory for prompt encoding (the language model once loaded).</summary>
    internal IEnumerable<nn.Module> ModulesInMemory => LanguageModel.InMemory is { } model ? [model] : [];

    public void Dispose()
    {
        lock (_gate)
        {
            _cache.Dispose();
            LanguageModel.Dispose();
        }
    }
}
