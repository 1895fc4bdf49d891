namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// What a decomposition reports while it runs, in order: the prompt, progress each step, previews when due, then layers.
/// </summary>
public abstract record DecompositionEvent;

/// <summary>The prompt the layers are conditioned on; <paramref name="Captioned"/> when the model wrote it from the image.</summary>
public sealed record PromptReady(string Prompt, bool Captioned) : DecompositionEvent;

/// <summary>Sampling step <paramref name="Step"/> (1-based) of <paramref name="TotalSteps"/> is done.</summary>
public sealed record SamplingProgress(int Step, int TotalSteps, TimeSpan Elapsed, TimeSpan EstimatedRemaining) : DecompositionEvent;

/// <summary>A small RGBA image of one layer's current estimate of its clean result (straight alpha, row-major).</summary>
public sealed record LayerPreview(int Step, int LayerIndex, int Width, int Height, byte[] Rgba) : DecompositionEvent;

/// <summary>
/// One finished layer at the output size (<see cref="WorkingSize.OutputWidth"/>). Index 0 is the bottom-most layer
/// (usually the background); each higher index stacks on top. <paramref name="Rgba16"/> is set when 16-bit output
/// was asked for.
/// </summary>
public sealed record DecodedLayer(int Index, int Width, int Height, byte[] Rgba8, ushort[]? Rgba16) : DecompositionEvent;
