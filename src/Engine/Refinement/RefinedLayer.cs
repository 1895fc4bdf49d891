namespace QwenLayered.Engine.Refinement;

/// <summary>
/// One refined layer as it is placed: <paramref name="Width"/> x <paramref name="Height"/> straight-alpha RGBA pixels
/// (row-major) whose top-left corner sits at (<paramref name="X"/>, <paramref name="Y"/>) on the original's canvas;
/// <paramref name="Rgba16"/> when 16-bit output was asked for.
/// </summary>
public sealed record RefinedLayer(int X, int Y, int Width, int Height, byte[] Rgba8, ushort[]? Rgba16);
