using System.Diagnostics;
using QwenLayered.Engine.Elements;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// A loaded Qwen-Image-Layered model: the decomposition pipeline with its prompt encoder and, when the text encoder has
/// its vision tower, a captioner over the prompt encoder's language model (in memory once). Turns requests (image and
/// text) into layers: captions an image whose prompt is empty, encodes the prompts (cached), sizes the image to its
/// bucket, and runs the pipeline.
/// </summary>
/// <param name="residency">When it is not <see cref="TextEncoderResidency.KeepOnDevice"/> (device memory is short), the
/// captioner's vision tower and <c>lm_head</c> are unloaded after each caption as well; the language model they share with
/// the prompt encoder follows the residency after encoding.</param>
/// <param name="memory">The memory mode the transformer was laid out for; where it says so the transformer and the language
/// model take turns on the device (<see cref="DeviceTurns"/>).</param>
public sealed class LayeredModel(LayeredDecompositionPipeline pipeline, PromptEncoder prompts, Captioner? captioner, string name,
    ModelProfile profile, TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, MemoryMode memory = MemoryModes.Default) : IDisposable
{
    public LayeredDecompositionPipeline Pipeline { get; } = pipeline;

    /// <summary>The turns the transformer and the language model take on the device; null when both stay there.</summary>
    public DeviceTurns? Turns { get; } = memory.TakesTurns() ? ShareTurns(pipeline.Transformer, prompts.LanguageModel) : null;

    public PromptEncoder Prompts { get; } = prompts;

    /// <summary>Null when the model folder's text encoder has no vision tower; prompts are then required.</summary>
    public Captioner? Captioner { get; } = captioner;

    /// <summary>The model folder's name, for logs and server info.</summary>
    public string Name { get; } = name;

    /// <summary>The resolutions and defaults the model was trained for.</summary>
    public ModelProfile Profile { get; } = profile;

    /// <summary>Image pixels per latent pixel per side, from the VAE's config (8 for the published model).</summary>
    public int VaeScaleFactor => Pipeline.Vae.Config.SpatialCompression;

    /// <summary>How requests to this model are decided, under the default limits (the server applies its configured ones).</summary>
    public DecompositionPolicy Policy => new(Profile, new DecompositionLimits(), Captioner is not null, VaeScaleFactor);

    /// <summary>Loads a model folder in a memory mode: the transformer's layout and the text encoder's residency both follow it.</summary>
    public static LayeredModel Load(string folder, ScalarType dtype, Device device, MemoryMode memory) =>
        Load(folder, dtype, device, memory.TextEncoder(), memory);

    /// <param name="residency">Where the text encoder goes after each encoding: keep it on the device when memory allows,
    /// move it to the CPU or unload it when device memory is short (it is ~16.6 GB in bf16).</param>
    /// <param name="memory">The transformer's layout; the text encoder's residency stays the one given.</param>
    public static LayeredModel Load(string folder, ScalarType dtype, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, MemoryMode memory = MemoryModes.Default)
    {
        var model = ModelFolder.Open(folder);
        var profile = ModelProfile.Read(folder);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, dtype, device, profile.ImageGuidance, memory);
        try
        {
            var prompts = PromptEncoder.FromPretrained(model, dtype, device, residency);
            var captioner = Qwen25VLConfig.HasVisionTower(model.Component("text_encoder").ConfigPath)
                ? Captioner.FromPretrained(model, prompts.LanguageModel, dtype)
                : null;
            return new LayeredModel(pipeline, prompts, captioner,
                Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), profile, residency, memory);
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    public DecompositionResult Decompose(DecompositionRequest request, Action<DecompositionEvent>? onEvent = null,
        CancellationToken cancellation = default) =>
        DecomposeBatch([request], onEvent is null ? null : (_, e) => onEvent(e), cancellation)[0];

    /// <summary>
    /// Several requests of the same shape (resolution bucket, settings apart from the seed, and image aspect) as one batch:
    /// one transformer forward per step serves them all. Events carry the request's index. A request that leaves the
    /// layer count to the model gets its count chosen first (<see cref="AutomaticLayerCount"/>); requests whose counts
    /// then differ are sampled apart. When the model can caption, each layer is named by what it holds before it is
    /// reported; an automatic count drops layers that come back empty or duplicate (<see cref="LayerSelection"/>).
    /// </summary>
    public IReadOnlyList<DecompositionResult> DecomposeBatch(IReadOnlyList<DecompositionRequest> requests,
        Action<int, DecompositionEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        // Decoded only now, so a request waiting in a queue holds its file rather than its pixels.
        var images = requests.Select(request => request.Image.Decode()).ToList();
        var clock = Stopwatch.StartNew();
        var prompts = requests.Select((request, index) => ResolvePrompt(request, images[index], cancellation)).ToList();
        var captioningTime = clock.Elapsed;

        clock.Restart();
        var settings = requests.Select((request, index) => WithLayerCount(request, images[index], cancellation)).ToList();
        ReleaseCaptioner();
        var countingTime = clock.Elapsed;
        for (int index = 0; index < requests.Count; index++)
            onEvent?.Invoke(index, new PromptReady(prompts[index].Text, prompts[index].Captioned, settings[index].Layers));

        clock.Restart();
        var inputs = requests.Select((request, index) => new DecompositionInput(images[index], request.Size, Prompts.Encode(prompts[index].Text), settings[index])
        {
            NegativePrompt = request.NegativePrompt is null ? null : Prompts.Encode(request.NegativePrompt),
        }).ToList();
        // Frees the encoder's device memory before sampling when the residency says so; a no-op when it stays.
        Prompts.ReleaseEncoder();
        var encodingTime = clock.Elapsed;

        var finished = requests.Select(request => new FinishedLayers(request, Captioner)).ToList();
        var results = new DecompositionResult[requests.Count];
        foreach (var group in inputs.Select((input, index) => (input, index)).GroupBy(job => job.input.Settings.Layers))
        {
            var jobs = group.ToList();
            var sampled = Pipeline.RunBatch([.. jobs.Select(job => job.input)], (job, e) =>
            {
                int index = jobs[job].index;
                var reported = e is DecodedLayer layer ? finished[index].Add(layer, cancellation) : e;
                if (reported is not null) onEvent?.Invoke(index, reported);
            }, cancellation);
            for (int job = 0; job < jobs.Count; job++) results[jobs[job].index] = sampled[job];
        }
        if (Captioner is not null)
        {
            // Naming used the captioner and the language model again.
            ReleaseCaptioner();
            Prompts.ReleaseEncoder();
        }
        return [.. results.Select((result, index) => result with
        {
            Layers = finished[index].Reported,
            Prompt = prompts[index].Text,
            Captioned = prompts[index].Captioned,
            Timings =
            [
                .. prompts[index].Captioned ? [new PhaseTiming("captioning", captioningTime)] : Array.Empty<PhaseTiming>(),
                .. requests[index].Settings.AutomaticLayers ? [new PhaseTiming("layer_count", countingTime)] : Array.Empty<PhaseTiming>(),
                new PhaseTiming("text_encoding", encodingTime),
                .. result.Timings,
            ],
        })];
    }

    /// <summary>
    /// The layer count an automatic request would run with, chosen from <paramref name="image"/> (at its working size)
    /// before sampling, at most <paramref name="most"/>: the captioner's list of elements, else the image heuristic.
    /// </summary>
    public LayerCountChoice ChooseLayerCount(RgbaImage image, CaptionLanguage language, int most, CancellationToken cancellation = default) =>
        AutomaticLayerCount.Choose(image, Captioner, language, most, cancellation);

    // The request's settings with the layer count sampling runs with: the model's choice when the request left it automatic.
    private DecompositionSettings WithLayerCount(DecompositionRequest request, RgbaImage image, CancellationToken cancellation)
    {
        if (!request.Settings.AutomaticLayers) return request.Settings;
        var working = ImagePreprocessing.ToWorkingSize(image, request.Size);
        return request.Settings with { Layers = ChooseLayerCount(working, request.CaptionLanguage, request.Settings.Layers, cancellation).Layers };
    }

    // The user's prompt, or the model's caption of the image when the policy says an empty prompt is captioned.
    private (string Text, bool Captioned) ResolvePrompt(DecompositionRequest request, RgbaImage image, CancellationToken cancellation)
    {
        if (!Policy.NeedsCaption(request.Prompt)) return (request.Prompt, false);
        var caption = PromptSource.Resolve(request.Prompt, image, request.Size, Captioner!, request.CaptionLanguage, cancellation);
        return (caption.Prompt, true);
    }

    // The transformer, loaded on the device, holds the first turn; the language model loads on its first pass.
    private static DeviceTurns ShareTurns(QwenImageTransformer2DModel transformer, ResidentLanguageModel languageModel)
    {
        var turns = new DeviceTurns();
        turns.Take(transformer);
        transformer.Turns = turns;
        languageModel.Turns = turns;
        return turns;
    }

    // Unloads the captioner's own modules after a use unless the residency keeps everything on the device.
    private void ReleaseCaptioner()
    {
        if (residency != TextEncoderResidency.KeepOnDevice) Captioner?.ReleaseModel();
    }

    // One request's layers as they are decoded: with an automatic count only those that hold something new, each named
    // when the model can caption.
    private sealed class FinishedLayers(DecompositionRequest request, Captioner? captioner)
    {
        private readonly LayerSelection? _selection = request.Settings.AutomaticLayers ? new() : null;
        private readonly List<DecodedLayer> _reported = [];

        public IReadOnlyList<DecodedLayer> Reported => _reported;

        /// <summary>The layer as it is reported, or null when it is dropped.</summary>
        public DecodedLayer? Add(DecodedLayer layer, CancellationToken cancellation)
        {
            var kept = _selection is null ? layer : _selection.Keep(layer);
            if (kept is null) return null;
            var named = captioner is null ? kept : kept with { Name = LayerNamer.Name(kept, captioner, request.CaptionLanguage, cancellation) };
            _reported.Add(named);
            return named;
        }
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
        Captioner?.Dispose();
    }
}
