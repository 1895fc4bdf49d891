using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Guidance;

/// <summary>
/// Classifier-free guidance on the input image: at noise levels from <see cref="MinSigma"/> up, the velocity is
/// extrapolated away from what the model predicts when the image's latents are all zero (the latent space's mean, no
/// image), u = u_no_image + s·(u − u_no_image). That sharpens what the image tells the model where the layers are
/// still being laid out; at low noise, where they are only refined, the model runs alone. A model never trained
/// without its image still gives a weaker guess there, which is all the extrapolation needs. Set by the
/// <c>image_guidance</c> entry of a model profile.
/// </summary>
public sealed record ImageGuidance
{
    [JsonPropertyName("scale")] public float Scale { get; init; }

    [JsonPropertyName("min_sigma")] public float MinSigma { get; init; }

    /// <summary>What is wrong with the profile entry, or null.</summary>
    public string? Problem()
    {
        if (!(Scale > 1))
            return $"image_guidance.scale must be above 1 (at 1 it changes nothing), not {Scale}; leave image_guidance out to sample without it.";
        if (!(MinSigma is >= 0 and <= 1))
            return $"image_guidance.min_sigma must be a noise level from 0 to 1, not {MinSigma}.";
        return null;
    }

    public bool AppliesAt(float sigma) => sigma >= MinSigma;

    /// <summary>u_no_image + s·(u − u_no_image): classifier-free guidance's extrapolation, with the image as the condition.</summary>
    public Tensor Combine(Tensor velocity, Tensor withoutImage) =>
        TrueClassifierFreeGuidance.Combine(velocity, withoutImage, Scale, normalize: false);
}
