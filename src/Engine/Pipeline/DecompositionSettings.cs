namespace QwenLayered.Engine.Pipeline;

/// <summary>How one image is decomposed. Defaults are the published model's recommended settings (<see cref="DecompositionPolicy"/>).</summary>
public sealed record DecompositionSettings
{
    /// <summary>RGBA layers to produce; with <see cref="AutomaticLayers"/>, the most the model may choose.</summary>
    public int Layers { get; init; } = DecompositionPolicy.DefaultLayers;

    /// <summary>
    /// The model chooses how many layers the image has (1 to <see cref="Layers"/>) before sampling, and drops layers that
    /// come back empty or duplicate (<see cref="DecompositionPolicy.AutomaticLayerCount"/>).
    /// </summary>
    public bool AutomaticLayers { get; init; }

    public int Steps { get; init; } = DecompositionPolicy.FallbackSteps;

    /// <summary>True classifier-free guidance scale; guidance runs only above 1 and with a negative prompt.</summary>
    public float GuidanceScale { get; init; } = DecompositionPolicy.FallbackGuidanceScale;

    /// <summary>Rescale the guided prediction to the conditional one's per-token norm.</summary>
    public bool NormalizeGuidance { get; init; } = true;

    /// <summary>Run both guidance branches in one batched transformer call (same result, fewer launches).</summary>
    public bool BatchGuidance { get; init; } = true;

    /// <summary>
    /// The step cache's threshold: from the first steps on, a step whose first transformer block changed its residual by
    /// less than this (relative L1 distance to the last fully computed step's) reuses the other blocks' residual from
    /// that step instead of running them. 0 (the default) runs every block every step. See <see cref="DecompositionPolicy.StepCacheThreshold"/>.
    /// </summary>
    public float StepCacheThreshold { get; init; }

    /// <summary>Seed of the initial noise: the same seed, device and settings give the same layers.</summary>
    public ulong Seed { get; init; }

    /// <summary>A preview of every layer every k steps; 0 for none.</summary>
    public int PreviewEverySteps { get; init; }

    /// <summary>Longest preview edge in pixels.</summary>
    public int PreviewMaxEdge { get; init; } = DecompositionPolicy.DefaultPreviewMaxEdge;

    /// <summary>
    /// Layers at the source's full resolution that stack back to it (see <see cref="Refinement.LayerRefinement"/>);
    /// false for the working-size layers. Either way each layer is cropped to its alpha bounds at its offset.
    /// </summary>
    public bool FullResolution { get; init; } = DecompositionPolicy.DefaultFullResolution;

    /// <summary>The canvas the layers are placed on: the source's size (the image, or its region), or the working output
    /// size without <see cref="FullResolution"/>.</summary>
    public (int Width, int Height) Canvas(int sourceWidth, int sourceHeight, WorkingSize size) =>
        FullResolution ? (sourceWidth, sourceHeight) : (size.OutputWidth, size.OutputHeight);

    /// <summary>Also produce 16-bit layers (for 16-bit documents).</summary>
    public bool SixteenBit { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when no run could use these settings.</summary>
    public void Validate() => DecompositionPolicy.Check(this);
}
