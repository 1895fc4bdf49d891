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

    public static LayeredModel Load(string folder, ScalarType dtype, Device device)
    {
        var model = ModelFolder.Open(folder);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, dtype, device);
        try
        {
            return new LayeredModel(pipeline, PromptEncoder.FromPretrained(model, dtype, device), Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
        }
        catch
        {
            pipeline.Dispose();
            throw;
        }
    }

    public DecompositionResult Decompose(DecompositionRequest request, Action<DecompositionEvent>? onEvent = null,
        CancellationToken cancellation = default)
    {
        if (string.IsNullOrWhiteSpace(request.Prompt))
            throw new ArgumentException("The prompt is empty: describe the image in a few words (what it shows, including partly hidden things).");
        var encoding = Stopwatch.StartNew();
        var prompt = Prompts.Encode(request.Prompt);
        var negative = request.NegativePrompt is null ? null : Prompts.Encode(request.NegativePrompt);
        var encodingTime = encoding.Elapsed;
        var input = new DecompositionInput(request.Image, WorkingSize.For(request.Image.Width, request.Image.Height, request.Resolution), prompt, request.Settings)
        {
            NegativePrompt = negative,
        };
        var result = Pipeline.Run(input, onEvent, cancellation);
        return result with { Timings = [new PhaseTiming("text_encoding", encodingTime), .. result.Timings] };
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
    }
}
