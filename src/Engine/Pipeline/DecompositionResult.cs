namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The layers of one decomposition and where its time went. <see cref="Width"/> x <see cref="Height"/> is the canvas the
/// layers are placed on: the source's size, or the working output size when the layers were asked at the working size.
/// </summary>
public sealed record DecompositionResult(int Width, int Height, IReadOnlyList<DecodedLayer> Layers, IReadOnlyList<PhaseTiming> Timings)
{
    /// <summary>The prompt the layers were conditioned on (the caption when the model wrote it); null for a bare pipeline run.</summary>
    public string? Prompt { get; init; }

    /// <summary>Whether the model wrote <see cref="Prompt"/> itself from the image.</summary>
    public bool Captioned { get; init; }

    /// <summary>Sampling steps that reused the step cache instead of running the transformer blocks after the first.</summary>
    public int CachedSteps { get; init; }
}

/// <summary>
/// Time spent in one phase: "captioning", "text_encoding", "vae_encode", "sampling", "vae_decode" (decoding the layers
/// and bringing them to the output resolution), "total".
/// </summary>
public sealed record PhaseTiming(string Phase, TimeSpan Duration);
