using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// The model as an <see cref="ILayerDecomposer"/>. It encodes the prompt and runs the pipeline itself rather than
/// going through <see cref="LayeredModel.Decompose"/>, which captions an empty prompt unless the model's profile says
/// it was trained with it, and a training checkpoint has no profile: the trainer conditions on the empty prompt's
/// embedding, so that is what a trained model is evaluated with.
/// </summary>
public sealed class ModelDecomposer(LayeredModel model, ModelSampling sampling) : ILayerDecomposer
{
    private int _cachedSteps;
    private int _steps;

    public string Name => $"model {model.Name}";

    /// <summary>Sampling steps of every decomposition so far, and how many of them reused the step cache.</summary>
    public (int Cached, int Total) Steps => (_cachedSteps, _steps);

    public IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int layers)
    {
        var settings = new DecompositionSettings
        {
            Layers = layers, Steps = sampling.Steps, GuidanceScale = sampling.GuidanceScale, Seed = sampling.Seed,
            StepCacheThreshold = sampling.StepCacheThreshold,
            // The model's own layers: the evaluation scores what it decomposes, not the refinement against the image.
            FullResolution = false,
        };
        settings.Validate();
        var input = new DecompositionInput(image, sampling.SizeFor(image.Width, image.Height, model.VaeScaleFactor), model.Prompts.Encode(sampling.Prompt), settings)
        {
            // Guidance runs only above scale 1; below it the negative prompt would cost an encoder pass for nothing.
            NegativePrompt = sampling.GuidanceScale > 1 ? model.Prompts.Encode(DecompositionPolicy.DefaultNegativePrompt) : null,
        };
        var result = model.Pipeline.Run(input);
        Interlocked.Add(ref _cachedSteps, result.CachedSteps);
        Interlocked.Add(ref _steps, settings.Steps);
        return [.. result.Layers.Select(layer => new RgbaImage(result.Width, result.Height, LayerPlacement.OnCanvas(layer, result.Width, result.Height)))];
    }
}
