using QwenLayered.Engine.Elements;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Pipeline;

/// <summary>How many layers an automatic request runs with, and what said so.</summary>
/// <param name="Elements">The distinct elements seen, background included, before the policy's bounds.</param>
/// <param name="FromModel">The captioner listed the elements; false when the image heuristic counted them.</param>
public sealed record LayerCountChoice(int Layers, int Elements, bool FromModel);

/// <summary>
/// Chooses the layer count of an automatic request before sampling: the captioner, when the model has one, lists the
/// image's elements (<see cref="CaptionPrompts.Elements"/>, at most <see cref="MaxAnswerTokens"/> tokens); when it has
/// none or its answer holds no list, <see cref="ColourRegions"/> counts them on the image. The policy bounds the count.
/// </summary>
public static class AutomaticLayerCount
{
    public const int MaxAnswerTokens = 160;

    /// <param name="image">The image at its working size, as it is captioned.</param>
    /// <param name="most">The most layers the request allows.</param>
    public static LayerCountChoice Choose(RgbaImage image, Captioner? captioner, CaptionLanguage language, int most,
        CancellationToken cancellation = default)
    {
        if (captioner?.Ask(image, CaptionPrompts.Elements(language), MaxAnswerTokens, cancellation).Text is { } answer
            && ElementList.Parse(answer) is { } elements)
            return new LayerCountChoice(DecompositionPolicy.AutomaticLayerCount(elements.Count, most), elements.Count, FromModel: true);
        int regions = ColourRegions.Count(image);
        return new LayerCountChoice(DecompositionPolicy.AutomaticLayerCount(regions, most), regions, FromModel: false);
    }
}
