namespace QwenLayered.Toolbox.Training;

/// <summary>What a training run optimises; the VAE comes first, since the transformer learns in its latent space.</summary>
public enum TrainingStage
{
    /// <summary>RGBA-VAE reconstruction of layers and composites (the <c>vae</c> component).</summary>
    Vae,

    /// <summary>Flow matching of the layer latents given the composite's (the <c>transformer</c> component).</summary>
    Transformer,

    /// <summary>
    /// The RGBA-VAE's decoder alone, reconstructing from the frozen encoder's latents: improves what the layers look
    /// like without moving the latent space the transformer learned in, so it can follow the transformer stages.
    /// </summary>
    Decoder,
}
