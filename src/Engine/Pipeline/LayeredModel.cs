using System.Diagnostics;
using QwenLayered.Engine.Caption;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// A loaded Qwen-Image-Layered model: the decomposition pipeline with its prompt encoder and, when the text encoder has
/// its vision tower, a captioner. Turns requests (image and text) into layers: captions an image whose prompt is
/// empty, encodes the prompts (cached), sizes the image to its bucket, and runs the pipeline.
/// </summary>
/// <param name="residency">When it is not <see cref="TextEncoderResidency.KeepOnDevice"/> (device memory is short), the
/// captioner's copy of the language model is unloaded after each caption as well.</param>
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

    /// <param name="residency">Where the text encoder goes after each encoding: keep it on the device when memory allows,
    /// move it to the CPU or unload it when device memory is short (it is ~16.6 GB in bf16).</param>
    public static LayeredModel Load(string folder, ScalarType dtype, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice)
    {
        var model = ModelFolder.Open(folder);
        var profile = ModelProfile.Read(folder);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, dtype, device, profile.ImageGuidance);
        try
        {
            var captioner = Qwen25VLConfig.HasVisionTower(model.Component("text_encoder").ConfigPath)
                ? Captioner.FromPretrained(model, dtype, device)
                : null;
            return new LayeredModel(pipeline, PromptEncoder.FromPretrained(model, dtype, device, residency), captioner,
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
        var clock = Stopwatch.StartNew();
        var prompts = requests.Select((request, index) =>
        {
            var prompt = ResolvePrompt(request, cancellation);
            onEvent?.Invoke(index, new PromptReady(prompt.Text, prompt.Captioned));
            return prompt;
        }).ToList();
        var captioningTime = clock.Elapsed;

        clock.Restart();
        var inputs = requests.Select((request, index) => new DecompositionInput(request.Image, SizeOf(request), Prompts.Encode(prompts[index].Text), request.Settings)
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

    // The user's prompt, or the model's caption of the image when the prompt is empty (unless the model was trained
    // with the empty prompt and cannot caption).
    private (string Text, bool Captioned) ResolvePrompt(DecompositionRequest request, CancellationToken cancellation)
    {
        if (!PromptSource.NeedsCaption(request.Prompt) || (Captioner is null && Profile.TrainedWithEmptyPrompt)) return (request.Prompt, false);
        if (Captioner is null)
            throw new ArgumentException("The prompt is empty and this model cannot caption images (its text encoder has no vision tower): " +
                "describe the image in a few words (what it shows, including partly hidden things).");
        var caption = PromptSource.Resolve(request.Prompt, request.Image, SizeOf(request), Captioner, request.CaptionLanguage, cancellation);
        if (residency != TextEncoderResidency.KeepOnDevice) Captioner.ReleaseModel();
        return (caption.Prompt, true);
    }

    private WorkingSize SizeOf(DecompositionRequest request) =>
        request.Size ?? WorkingSize.For(request.Image.Width, request.Image.Height,
            request.Resolution == 0 ? Profile.DefaultResolution : request.Resolution, VaeScaleFactor, Profile.Resolutions);

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
        Captioner?.Dispose();
    }
}
