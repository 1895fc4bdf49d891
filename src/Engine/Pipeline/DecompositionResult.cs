namespace QwenLayered.Engine.Pipeline;

/// <summary>The layers of one decomposition and where its time went.</summary>
public sealed record DecompositionResult(int Width, int Height, IReadOnlyList<DecodedLayer> Layers, IReadOnlyList<PhaseTiming> Timings);

/// <summary>Time spent in one phase: "vae_encode", "sampling", "vae_decode", "total".</summary>
public sealed record PhaseTiming(string Phase, TimeSpan Duration);
