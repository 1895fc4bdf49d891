namespace QwenLayered.Engine.Pipeline;

/// <summary>How one image is decomposed. Defaults are the published model's recommended settings.</summary>
public sealed record DecompositionSettings
{
    /// <summary>RGBA layers to produce.</summary>
    public int Layers { get; init; } = 4;

    public int Steps { get; init; } = 50;

    /// <summary>True classifier-free guidance scale; guidance runs only above 1 and with a negative prompt.</summary>
    public float GuidanceScale { get; init; } = 4.0f;

    /// <summary>Rescale the guided prediction to the conditional one's per-token norm.</summary>
    public bool NormalizeGuidance { get; init; } = true;

    /// <summary>Run both guidance branches in one batched transformer call (same result, fewer launches).</summary>
    public bool BatchGuidance { get; init; } = true;

    /// <summary>Seed of the initial noise: the same seed, device and settings give the same layers.</summary>
    public ulong Seed { get; init; }

    /// <summary>A preview of every layer every k steps; 0 for none.</summary>
    public int PreviewEverySteps { get; init; }

    /// <summary>Longest preview edge in pixels.</summary>
    public int PreviewMaxEdge { get; init; } = 256;

    /// <summary>Also produce 16-bit layers (for 16-bit documents).</summary>
    public bool SixteenBit { get; init; }

    public void Validate()
    {
        if (Layers < 1) throw new ArgumentException($"Layers is {Layers}; at least 1 layer is needed.");
        if (Steps < 1) throw new ArgumentException($"Steps is {Steps}; at least 1 sampling step is needed.");
        if (!float.IsFinite(GuidanceScale) || GuidanceScale < 0) throw new ArgumentException($"Guidance scale {GuidanceScale} must be a finite number of at least 0.");
        if (PreviewEverySteps < 0) throw new ArgumentException("PreviewEverySteps must be 0 (no previews) or more.");
        if (PreviewMaxEdge < 8) throw new ArgumentException($"PreviewMaxEdge is {PreviewMaxEdge}; use at least 8 pixels.");
    }
}
