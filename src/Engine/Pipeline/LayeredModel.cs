using System.Diagnostics;
using QwenLayered.Engine.Caption;
using QwenLayered.Engine.Models;
using QwenLayered.Engine.Text;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// A loaded Qwen-Image-Layered model: the decomposition pipeline with its prompt encoder and, when the text encoder has
/// its vision tower, a captioner. Turns a request (image and text) into layers: captions the image when the prompt is
/// empty, encodes the prompts (cached), sizes the image to its bucket, and runs the pipeline.
/// </summary>
public sealed class LayeredModel(LayeredDecompositionPipeline pipeline, PromptEncoder prompts, Captioner? captioner, string name) : IDisposable
{
    public LayeredDecompositionPipeline Pipeline { get; } = pipeline;

    public PromptEncoder Prompts { get; } = prompts;

    /// <summary>Null when the model folder's text encoder has no vision tower; prompts are then required.</summary>
    public Captioner? Captioner { get; } = captioner;

    /// <summary>The model folder's name, for logs and server info.</summary>
    public string Name { get; } = name;

    public static LayeredModel Load(string folder, ScalarType dtype, Device device)
    {
        var model = ModelFolder.Open(folder);
        var pipeline = LayeredDecompositionPipeline.FromPretrained(model, dtype, device);
        try
        {
            var captioner = Qwen25VLConfig.HasVisionTower(model.Component("text_encoder").ConfigPath)
                ? Captioner.FromPretrained(model, dtype, device)
                : null;
            return new LayeredModel(pipeline, PromptEncoder.FromPretrained(model, dtype, device), captioner,
                Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))));
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
        var size = request.Size ?? WorkingSize.For(request.Image.Width, request.Image.Height, request.Resolution);
        var clock = Stopwatch.StartNew();
        string prompt = request.Prompt;
        var timings = new List<PhaseTiming>();
        bool captioned = PromptSource.NeedsCaption(prompt);
        if (captioned)
        {
            if (Captioner is null)
                throw new ArgumentException("The prompt is empty and this model cannot caption images (its text encoder has no vision tower): " +
                    "describe the image in a few words (what it shows, including partly hidden things).");
            prompt = PromptSource.Resolve(prompt, request.Image, size, Captioner, request.CaptionLanguage, cancellation).Prompt;
            timings.Add(new PhaseTiming("captioning", clock.Elapsed));
        }
        onEvent?.Invoke(new PromptReady(prompt, captioned));

        clock.Restart();
        var embedding = Prompts.Encode(prompt);
        var negative = request.NegativePrompt is null ? null : Prompts.Encode(request.NegativePrompt);
        timings.Add(new PhaseTiming("text_encoding", clock.Elapsed));
        var input = new DecompositionInput(request.Image, size, embedding, request.Settings) { NegativePrompt = negative };
        var result = Pipeline.Run(input, onEvent, cancellation);
        return result with { Prompt = prompt, Captioned = captioned, Timings = [.. timings, .. result.Timings] };
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        Prompts.Dispose();
        Captioner?.Dispose();
    }
}
