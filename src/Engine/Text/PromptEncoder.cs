using QwenLayered.Engine.ModelFolders;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Text;

/// <summary>
/// Prompt text → <see cref="PromptEmbedding"/> as diffusers' <c>encode_prompt</c> computes it for one prompt: the
/// template, the Qwen2.5-VL last hidden state, the 34-token drop, <c>max_sequence_length</c> and the null mask. Results
/// are cached by text, so a repeated prompt or the constant negative prompt runs no encoder pass. The text encoder is
/// loaded on first use and, after <see cref="ReleaseEncoder"/>, kept, moved to the CPU or unloaded per
/// <see cref="TextEncoderResidency"/>.
/// </summary>
public sealed class PromptEncoder : IDisposable
{
    /// <summary>The pipeline's default <c>max_sequence_length</c>.</summary>
    public const int DefaultMaxSequenceLength = 512;

    private readonly QwenTokenizer _tokenizer;
    private readonly Func<Qwen25VLTextModel> _loadEncoder;
    private readonly Device _device;
    private readonly TextEncoderResidency _residency;
    private readonly PromptEmbeddingCache _cache;
    private readonly Lock _gate = new();
    private Qwen25VLTextModel? _encoder;
    private bool _encoderOnCpu;

    /// <param name="loadEncoder">Loads the text encoder onto <paramref name="device"/>; called on first use and after an unload.</param>
    public PromptEncoder(QwenTokenizer tokenizer, Func<Qwen25VLTextModel> loadEncoder, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, int cacheCapacity = 32)
    {
        _tokenizer = tokenizer;
        _loadEncoder = loadEncoder;
        _device = device;
        _residency = residency;
        _cache = new PromptEmbeddingCache(cacheCapacity);
    }

    /// <summary>A prompt encoder over a model folder's <c>tokenizer</c> and <c>text_encoder</c> components.</summary>
    public static PromptEncoder FromPretrained(ModelFolder model, ScalarType dtype, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, int cacheCapacity = 32)
    {
        string textEncoderFolder = model.Component("text_encoder").Folder;
        return new PromptEncoder(QwenTokenizer.FromFolder(model.Component("tokenizer").Folder),
            () => Qwen25VLTextModel.FromPretrained(textEncoderFolder, dtype, device), device, residency, cacheCapacity);
    }

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

            // Loaded (or moved back) outside the scope below, which would otherwise dispose the weights with the temporaries.
            var encoder = ResidentEncoder();
            using var scope = NewDisposeScope();
            long[] ids = [.. _tokenizer.Encode(PromptTemplate.Format(prompt)).Select(id => (long)id)];
            var inputIds = tensor(ids, dtype: ScalarType.Int64, device: _device).unsqueeze(0);
            var mask = ones_like(inputIds);
            // One unpadded prompt: no mask is the same attention as an all-ones one, and lets SDPA take its causal fast path.
            var hidden = encoder.forward(inputIds, null);
            EncoderPasses++;

            var (embeds, keptMask) = PromptPostprocess.SelectPromptTokens(hidden, mask);
            var embedding = PromptPostprocess.Truncate(embeds, keptMask, maxSequenceLength);
            embedding.Embeds.DetachFromDisposeScope();
            embedding.Mask?.DetachFromDisposeScope();
            _cache.Add(prompt, maxSequenceLength, embedding);
            return embedding;
        }
    }

    /// <summary>Loads the text encoder now, so the first new prompt does not pay for it.</summary>
    public void LoadEncoder()
    {
        lock (_gate) ResidentEncoder();
    }

    /// <summary>Frees the compute device of the text encoder as <see cref="TextEncoderResidency"/> says; cached embeddings stay.</summary>
    public void ReleaseEncoder()
    {
        lock (_gate)
        {
            if (_encoder is null) return;
            switch (_residency)
            {
                case TextEncoderResidency.MoveToCpu when !_encoderOnCpu:
                    _encoder.to(CPU);
                    _encoderOnCpu = true;
                    break;
                case TextEncoderResidency.Unload:
                    _encoder.Dispose();
                    _encoder = null;
                    break;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _cache.Dispose();
            _encoder?.Dispose();
            _encoder = null;
        }
    }

    private Qwen25VLTextModel ResidentEncoder()
    {
        _encoder ??= _loadEncoder();
        if (_encoderOnCpu)
        {
            _encoder.to(_device);
            _encoderOnCpu = false;
        }
        return _encoder;
    }
}
