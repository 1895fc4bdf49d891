using System.Diagnostics;
using System.Security.Cryptography;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Runtime;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Captions an image with Qwen2.5-VL the way the pipeline's <c>get_image_caption</c> does: the English or Chinese
/// instruction with the image placeholder expanded to the image's token count, decoding up to 512 new tokens, special
/// tokens dropped and whitespace trimmed. Captions (and answers to other instructions) are cached by image content and instruction, so re-running an image
/// skips the model. The language model is the prompt encoder's (shared, never loaded twice); the captioner loads only
/// its vision tower and <c>lm_head</c>, on first use, and can release them between jobs. Thread-safe (one caption at a time).
/// </summary>
public sealed class Captioner : IDisposable
{
    private readonly QwenTokenizer _tokenizer;
    private readonly ResidentLanguageModel _languageModel;
    private readonly Func<Qwen25VLCaptionHead> _loadHead;
    private readonly Qwen2VLImageProcessor _processor;
    private readonly GenerationSettings _generation;
    private readonly LruCache<(string ImageHash, string Instruction), CaptionResult> _cache;
    private readonly Lock _gate = new();
    private Qwen25VLCaptionHead? _head;

    /// <param name="languageModel">The language model to caption with, borrowed (the prompt encoder's, which owns it).</param>
    /// <param name="loadHead">Loads the vision tower and <c>lm_head</c>; called on first use and after <see cref="ReleaseModel"/>.</param>
    public Captioner(QwenTokenizer tokenizer, ResidentLanguageModel languageModel, Func<Qwen25VLCaptionHead> loadHead,
        Qwen2VLImageProcessor processor, GenerationSettings generation, int cacheCapacity = 64)
    {
        generation.Validate();
        _tokenizer = tokenizer;
        _languageModel = languageModel;
        _loadHead = loadHead;
        _processor = processor;
        _generation = generation;
        _cache = new(cacheCapacity);
    }

    /// <summary>
    /// A captioner over a model folder's <c>tokenizer</c>, <c>text_encoder</c> (vision tower and <c>lm_head</c> weights,
    /// <c>generation_config.json</c>) and, when present, <c>processor</c> (<c>preprocessor_config.json</c>), running
    /// <paramref name="languageModel"/> (the prompt encoder's).
    /// </summary>
    public static Captioner FromPretrained(ModelFolder model, ResidentLanguageModel languageModel, ScalarType dtype, int cacheCapacity = 64)
    {
        string textEncoder = model.Component("text_encoder").Folder;
        var config = Qwen25VLConfig.FromFile(Path.Combine(textEncoder, "config.json"));
        var processor = model.Components.TryGetValue("processor", out var component)
            && File.Exists(Path.Combine(component.Folder, "preprocessor_config.json"))
            ? ConfigFile.Read<ImageProcessorConfig>(Path.Combine(component.Folder, "preprocessor_config.json"))
            : ImageProcessorConfig.Default;
        return new Captioner(QwenTokenizer.FromFolder(model.Component("tokenizer").Folder), languageModel,
            () => Qwen25VLCaptionHead.FromPretrained(textEncoder, dtype, languageModel.Device), new Qwen2VLImageProcessor(processor),
            GenerationSettings.ForFolder(textEncoder, config.EosTokenIds), cacheCapacity);
    }

    /// <summary>How many captions the model has generated; a cache hit adds nothing.</summary>
    public long ModelRuns { get; private set; }

    /// <summary>
    /// The caption of <paramref name="image"/> (give it at the size the pipeline works at, spec 2.4). Progress is
    /// reported after each token; cancellation is checked before each.
    /// </summary>
    public CaptionResult Caption(RgbaImage image, CaptionLanguage language, CancellationToken cancellation = default,
        Action<CaptionProgress>? progress = null) =>
        Answer(image, CaptionPrompts.For(language), _generation, progress, cancellation);

    /// <summary>
    /// The model's answer to <paramref name="instruction"/> (a ChatML prompt with one image placeholder, see
    /// <see cref="CaptionPrompts"/>) about <paramref name="image"/>, at most <paramref name="maxNewTokens"/> tokens long;
    /// cached like captions.
    /// </summary>
    public CaptionResult Ask(RgbaImage image, string instruction, int maxNewTokens, CancellationToken cancellation = default) =>
        Answer(image, instruction, _generation with { MaxNewTokens = Math.Min(maxNewTokens, _generation.MaxNewTokens) }, null, cancellation);

    private CaptionResult Answer(RgbaImage image, string instruction, GenerationSettings generation, Action<CaptionProgress>? progress,
        CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var key = (ImageHash(image), instruction);
        lock (_gate)
        {
            if (_cache.TryGet(key, out var cached)) return cached with { FromCache = true, Elapsed = clock.Elapsed };

            var head = _head ??= _loadHead();
            var vision = head.Config.Vision;
            if (_processor.Config.PatchSize != vision.PatchSize || _processor.Config.MergeSize != vision.SpatialMergeSize
                || _processor.Config.TemporalPatchSize != vision.TemporalPatchSize)
                throw new InvalidOperationException("The image processor's patch, temporal patch and merge sizes differ from the vision tower's.");
            var tokens = _languageModel.Use(languageModel =>
                Generate(new Qwen25VLCaptionModel(head, languageModel), image, instruction, generation, progress, cancellation));
            ModelRuns++;

            string text = _tokenizer.Decode(tokens.Select(id => (int)id), skipSpecialTokens: true).Trim();
            var result = new CaptionResult(text, tokens.Count, clock.Elapsed, FromCache: false);
            _cache.Add(key, result);
            return result;
        }
    }

    /// <summary>Whether the captioner's vision tower and <c>lm_head</c> are in memory (they load on the first caption that is not cached).</summary>
    public bool ModelLoaded
    {
        get { lock (_gate) return _head is not null; }
    }

    /// <summary>
    /// Unloads the vision tower and <c>lm_head</c> to free their memory; the language model stays with the prompt encoder,
    /// cached captions stay, and the next miss loads them again.
    /// </summary>
    public void ReleaseModel()
    {
        lock (_gate)
        {
            _head?.Dispose();
            _head = null;
        }
    }

    /// <summary>The modules in memory for captioning: the vision tower and <c>lm_head</c> once loaded, and the shared language model.</summary>
    internal IEnumerable<nn.Module> ModulesInMemory
    {
        get
        {
            lock (_gate) return new nn.Module?[] { _head, _languageModel.InMemory }.OfType<nn.Module>().ToList();
        }
    }

    public void Dispose() => ReleaseModel();

    private IReadOnlyList<long> Generate(Qwen25VLCaptionModel model, RgbaImage image, string instruction, GenerationSettings generation,
        Action<CaptionProgress>? progress, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();
        using var vision = _processor.Preprocess(image);
        var merge = model.Config.Vision.SpatialMergeSize;
        long[] ids = ExpandImagePlaceholder(_tokenizer.Encode(instruction), model.Config.ImageTokenId, vision.Grid.Tokens(merge));
        var imageEmbeds = model.EncodeImages(vision.PixelValues, [vision.Grid]);
        using var prompt = model.Prepare(ids, imageEmbeds, [vision.Grid]);
        return TokenGenerator.Generate(model, prompt, generation, useCache: true, progress, cancellation);
    }

    // The processor turns the single <|image_pad|> into one placeholder per image token.
    private static long[] ExpandImagePlaceholder(IReadOnlyList<int> ids, int imageTokenId, int imageTokens)
    {
        if (ids.Count(id => id == imageTokenId) != 1)
            throw new InvalidOperationException("The caption instruction must hold exactly one image placeholder.");
        return [.. ids.SelectMany(id => id == imageTokenId ? Enumerable.Repeat((long)id, imageTokens) : [id])];
    }

    // Content hash: the same pixels at the same size caption the same, whatever file they came from.
    private static string ImageHash(RgbaImage image)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(image.Width));
        hash.AppendData(BitConverter.GetBytes(image.Height));
        hash.AppendData(image.Pixels);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
