using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// What a decomposition reports while it runs, in order: the prompt, progress each step, previews when due, then layers.
/// </summary>
public abstract record DecompositionEvent;

/// <summary>
/// The prompt the layers are conditioned on (<paramref name="Captioned"/> when the model wrote it from the image) and
/// the number of layers sampled (<paramref name="Layers"/>: the model's choice when the request left it automatic).
/// </summary>
public sealed record PromptReady(string Prompt, bool Captioned, int Layers) : DecompositionEvent;

/// <summary>Sampling step <paramref name="Step"/> (1-based) of <paramref name="TotalSteps"/> is done.</summary>
public sealed record SamplingProgress(int Step, int TotalSteps, TimeSpan Elapsed, TimeSpan EstimatedRemaining) : DecompositionEvent;

/// <summary>A small RGBA image of one layer's current estimate of its clean result (straight alpha, row-major).</summary>
public sealed record LayerPreview(int Step, int LayerIndex, int Width, int Height, byte[] Rgba) : DecompositionEvent;

/// <summary>
/// One finished layer, as it is placed: <paramref name="Width"/> x <paramref name="Height"/> pixels whose top-left corner
/// sits at (<see cref="X"/>, <see cref="Y"/>) on the canvas (the result's <see cref="DecompositionResult.Width"/> x
/// <see cref="DecompositionResult.Height"/>). Index 0 is the bottom-most layer (usually the background); each higher
/// index stacks on top. <paramref name="Rgba16"/> is set when 16-bit output was asked for.
/// </summary>
public sealed record DecodedLayer(int Index, int Width, int Height, byte[] Rgba8, ushort[]? Rgba16) : DecompositionEvent
{
    /// <summary>The column of the layer's left edge on the canvas.</summary>
    public int X { get; init; }

    /// <summary>The row of the layer's top edge on the canvas.</summary>
    public int Y { get; init; }

    /// <summary>What the layer holds in a few words ("sky"); null when nothing named it (shown as "Layer N").</summary>
    public string? Name { get; init; }

    /// <summary>The box of the layer's non-transparent pixels on the canvas; null when it has none.</summary>
    public AlphaBounds? CanvasBounds() =>
        AlphaBounds.Of(Rgba8, Width, Height) is { } bounds ? bounds with { X = bounds.X + X, Y = bounds.Y + Y } : null;
}
