using System.Diagnostics;
using System.Security.Cryptography;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Caption;

/// <summary>
/// Captions an image with Qwen2.5-VL the way the pipeline's <c>get_image_caption</c> does: the English or Chinese
/// instruction with the image placeholder expanded to the image's token count, decoding up to 512 new tokens, special
/// tokens dropped and whitespace trimmed. Captions are cached by image content and language, so re-running an image
/// skips the model. The model is loaded on first use and can be released between jobs. Thread-safe (one caption at a time).
/// </summary>
public sealed class Captioner : IDisposable
{
    private readonly QwenTokenizer _tokenizer;
    private readonly Func<Qwen25VLCaptionModel> _loadModel;
    private readonly Qwen2VLImageProcessor _processor;
    private readonly GenerationSettings _generation;
    private readonly LruCache<(string ImageHash, CaptionLanguage Language), CaptionResult> _cache;
    private readonly Lock _gate = new();
    private Qwen25VLCaptionModel? _model;

    /// <param name="loadModel">Loads the captioning model; called on first use and after <see cref="ReleaseModel"/>.</param>
    public Captioner(QwenTokenizer tokenizer, Func<Qwen25VLCaptionModel> loadModel, Qwen2VLImageProcessor processor,
        GenerationSettings generation, int cacheCapacity = 64)
    {
        generation.Validate();
        _tokenizer = tokenizer;
        _loadModel = loadModel;
        _processor = processor;
        _generation = generation;
        _cache = new(cacheCapacity);
    }

    /// <summary>
    /// A captioner over a model folder's <c>tokenizer</c>, <c>text_encoder</c> (weights, <c>generation_config.json</c>)
    /// and, when present, <c>processor</c> (<c>preprocessor_config.json</c>).
    /// </summary>
    public static Captioner FromPretrained(ModelFolder model, ScalarType dtype, Device device, int cacheCapacity = 64)
    {
        string textEncoder = model.Component("text_encoder").Folder;
        var config = Qwen25VLConfig.FromFile(Path.Combine(textEncoder, "config.json"));
        var processor = model.Components.TryGetValue("processor", out var component)
            && File.Exists(Path.Combine(component.Folder, "preprocessor_config.json"))
            ? ConfigFile.Read<ImageProcessorConfig>(Path.Combine(component.Folder, "preprocessor_config.json"))
            : ImageProcessorConfig.Default;
        return new Captioner(QwenTokenizer.FromFolder(model.Component("tokenizer").Folder),
            () => Qwen25VLCaptionModel.FromPretrained(textEncoder, dtype, device), new Qwen2VLImageProcessor(processor),
            GenerationSettings.ForFolder(textEncoder, config.EosTokenIds), cacheCapacity);
    }

    /// <summary>How many captions the model has generated; a cache hit adds nothing.</summary>
    public long ModelRuns { get; private set; }

    /// <summary>
    /// The caption of <paramref name="image"/> (give it at the size the pipeline works at, spec 2.4). Progress is
    /// reported after each token; cancellation is checked before each.
    /// </summary>
    public CaptionResult Caption(RgbaImage image, CaptionLanguage language, CancellationToken cancellation = default,
        Action<CaptionProgress>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var key = (ImageHash(image), language);
        lock (_gate)
        {
            if (_cache.TryGet(key, out var cached)) return cached with { FromCache = true, Elapsed = clock.Elapsed };

            var model = _model ??= _loadModel();
            if (_processor.Config.PatchSize != model.Config.Vision.PatchSize || _processor.Config.MergeSize != model.Config.Vision.SpatialMergeSize
                || _processor.Config.TemporalPatchSize != model.Config.Vision.TemporalPatchSize)
                throw new InvalidOperationException("The image processor's patch, temporal patch and merge sizes differ from the vision tower's.");
            using var scope = NewDisposeScope();
            using var vision = _processor.Preprocess(image);
            var merge = model.Config.Vision.SpatialMergeSize;
            long[] ids = ExpandImagePlaceholder(_tokenizer.Encode(CaptionPrompts.For(language)), model.Config.ImageTokenId, vision.Grid.Tokens(merge));
            var imageEmbeds = model.EncodeImages(vision.PixelValues, [vision.Grid]);
            using var prompt = model.Prepare(ids, imageEmbeds, [vision.Grid]);
            var tokens = TokenGenerator.Generate(model, prompt, _generation, useCache: true, progress, cancellation);
            ModelRuns++;

            string text = _tokenizer.Decode(tokens.Select(id => (int)id), skipSpecialTokens: true).Trim();
            var result = new CaptionResult(text, tokens.Count, clock.Elapsed, FromCache: false);
            _cache.Add(key, result);
            return result;
        }
    }

    /// <summary>Whether the captioning model is in memory (it loads on the first caption that is not cached).</summary>
    public bool ModelLoaded
    {
        get { lock (_gate) return _model is not null; }
    }

    /// <summary>Unloads the model to free its memory; cached captions stay and the next miss loads it again.</summary>
    public void ReleaseModel()
    {
        lock (_gate)
        {
            _model?.Dispose();
            _model = null;
        }
    }

    public void Dispose() => ReleaseModel();

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
