using QwenLayered.Engine.Memory;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL.Language;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Benchmarks;

/// <summary>What <see cref="BenchmarkRunner"/> measures: which model, where, and the shape of the decompositions.</summary>
public sealed record BenchmarkOptions
{
    /// <summary>A model folder in the diffusers layout; null to build <see cref="RandomConfig"/> in memory.</summary>
    public string? ModelFolder { get; init; }

    /// <summary>"tiny" or "full" (the published sizes) with random weights, used when <see cref="ModelFolder"/> is null.</summary>
    public string RandomConfig { get; init; } = "tiny";

    /// <summary>The Qwen2.5 tokenizer folder a random-weight model uses.</summary>
    public string? TokenizerFolder { get; init; }

    public required Device Device { get; init; }

    public ScalarType DType { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Edge of the square test image in pixels; the working size has about this many pixels squared. Null: the model's
    /// own default resolution (its profile's first; 640 for random weights).
    /// </summary>
    public int? Resolution { get; init; }

    public int Layers { get; init; } = DecompositionPolicy.DefaultLayers;

    /// <summary>The published model's default.</summary>
    public int Steps { get; init; } = DecompositionPolicy.FallbackSteps;

    /// <summary>True classifier-free guidance (negative prompt " ", scale 4) on or off.</summary>
    public bool Guidance { get; init; } = true;

    /// <summary>Both guidance branches in one batched forward, or two calls.</summary>
    public bool BatchGuidance { get; init; } = true;

    /// <summary>Jobs of the same shape run together as one batch.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>A preview every k steps (0: none), as the panel asks for them.</summary>
    public int PreviewEverySteps { get; init; } = 5;

    /// <summary>Steps of the short run with guidance flipped, which gives the other per-step figure.</summary>
    public int OtherGuidanceSteps { get; init; } = 3;

    /// <summary>A one-step decomposition first, so one-time costs (kernel selection, allocator growth) stay out of the figures.</summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>Where the text encoder goes after encoding in the resident memory mode (other modes take it off the device).</summary>
    public TextEncoderResidency TextEncoderResidency { get; init; } = TextEncoderResidency.KeepOnDevice;

    public MemoryMode Memory { get; init; } = MemoryModes.Default;

    public ulong Seed { get; init; } = 777;

    public void Validate()
    {
        if (ModelFolder is null && TokenizerFolder is null)
            throw new ArgumentException("A random-weight model needs a tokenizer folder (--tokenizer).");
        if (Resolution < 32) throw new ArgumentException($"Resolution {Resolution} is too small; use at least 32 pixels.");
        if (Layers < 1 || Steps < 1 || Batch < 1) throw new ArgumentException("Layers, steps and batch must each be at least 1.");
        if (PreviewEverySteps < 0 || OtherGuidanceSteps < 0) throw new ArgumentException("Preview interval and other-guidance steps must be 0 or more.");
    }
}
