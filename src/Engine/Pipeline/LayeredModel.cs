using System.Diagnostics;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
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
public sealed class LayeredModel(LayeredDecompositionPipeline pipeline, PromptEncoder prompts, Captioner? captioner, string name,
    ModelProfile profile, TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice) : IDisposable
{
    public LayeredDecompositionPipeline Pipeline { get; } = pipeline;

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
                Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), profile, residency);
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
    /// one transformer forward per step serves them all. Events carry the request's index.
    /// </summary>
    public IReadOnlyList<DecompositionResult> DecomposeBatch(IReadOnlyList<DecompositionRequest> requests,
        Action<int, DecompositionEvent>? onEvent = null, CancellationToken cancellation = default)
    {
        // Decoded only now, so a request waiting in a queue holds its file rather than its pixels.
        var images = requests.Select(request => request.Image.Decode()).ToList();
        var clock = Stopwatch.StartNew();
        var prompts = requests.Select((request, index) =>
        {
            var prompt = ResolvePrompt(request, images[index], cancellation);
            onEvent?.Invoke(index, new PromptReady(prompt.Text, prompt.Captioned));
            return prompt;
        }).ToList();
        var captioningTime = clock.Elapsed;

        clock.Restart();
        var inputs = requests.Select((request, index) => new DecompositionInput(images[index], request.Size, Prompts.Encode(prompts[index].Text), request.Settings)
        {
            NegativePrompt = request.NegativePrompt is null ? null : Prompts.Encode(request.NegativePrompt),
        }).ToList();
        // Frees the encoder's device memory before sampling when the residency says so; a no-op when it stays.
        Prompts.ReleaseEncoder();
        var encodingTime = clock.Elapsed;

        var results = Pipeline.RunBatch(inputs, onEvent, cancellation);
        return [.. results.Select((result, index) => result with
        {
            Prompt = prompts[index].Text,
            Captioned = prompts[index].Captioned,
            Timings =
            [
                .. prompts[index].Captioned ? [new PhaseTiming("captioning", captioningTime)] : Array.Empty<PhaseTiming>(),
                new PhaseTiming("text_encoding", encodingTime),
                .. result.Timings,
            ],
        })];
    }

    // The user's prompt, or the model's caption of the image when the policy says an empty prompt is captioned.
    private (string Text, bool Captioned) ResolvePrompt(DecompositionRequest request, RgbaImage image, CancellationToken cancellation)
    {
        if (!Policy.NeedsCaption(request.Prompt)) return (request.Prompt, false);
        var caption = PromptSource.Resolve(request.Prompt, image, request.Size, Captioner!, request.CaptionLanguage, cancellation);
        if (residency != TextEncoderResidency.KeepOnDevice) Captioner!.ReleaseModel();
        return (caption.Prompt, true);
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
        Captioner?.Dispose();
    }
}
