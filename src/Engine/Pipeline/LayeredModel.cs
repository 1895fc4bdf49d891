using System.Diagnostics;
using QwenLayered.Engine.Models;
using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// A loaded Qwen-Image-Layered model: the decomposition pipeline with its prompt encoder. Turns a request (image and
/// text) into layers: encodes the prompts (cached), sizes the image to its bucket, and runs the pipeline.
/// </summary>
public sealed class LayeredModel(LayeredDecompositionPipeline pipeline, PromptEncoder prompts, string name) : IDisposable
{
    public LayeredDecompositionPipeline Pipeline { get; } = pipeline;

    public PromptEncoder Prompts { get; } = prompts;

    /// <summary>The model folder's name, for logs and server info.</summary>
    public string Name { get; } = name;

    /// <param name="residency">Where the text encoder goes after each encoding: keep it on the device when memory allows,
    /// move it to the CPU or unload it when device memory is short (it is ~16.6 GB in bf16).</param>
    public static LayeredModel Load(string folder, ScalarType dtype, Device device,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice)
    {
        var model = ModelFolder.Open(folder);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, dtype, device);
        try
        {
            return new LayeredModel(pipeline, PromptEncoder.FromPretrained(model, dtype, device, residency), Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
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
        if (requests.FirstOrDefault(r => string.IsNullOrWhiteSpace(r.Prompt)) is not null)
            throw new ArgumentException("The prompt is empty: describe the image in a few words (what it shows, including partly hidden things).");
        var encoding = Stopwatch.StartNew();
        var inputs = requests.Select(request => new DecompositionInput(request.Image,
            WorkingSize.For(request.Image.Width, request.Image.Height, request.Resolution), Prompts.Encode(request.Prompt), request.Settings)
        {
            NegativePrompt = request.NegativePrompt is null ? null : Prompts.Encode(request.NegativePrompt),
        }).ToList();
        // Frees the encoder's device memory before sampling when the residency says so; a no-op when it stays.
        Prompts.ReleaseEncoder();
        var encodingTime = encoding.Elapsed;
        var results = Pipeline.RunBatch(inputs, onEvent, cancellation);
        return [.. results.Select(result => result with { Timings = [new PhaseTiming("text_encoding", encodingTime), .. result.Timings] })];
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
    }
}
