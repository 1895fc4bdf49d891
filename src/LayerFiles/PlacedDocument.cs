namespace QwenLayered.LayerFiles;

/// <summary>
/// One named layer as files store it: <paramref name="Width"/> x <paramref name="Height"/> straight-alpha RGBA8 pixels
/// whose top-left corner sits at (<paramref name="X"/>, <paramref name="Y"/>) on the canvas, and the same pixels at 16
/// bits per channel in <see cref="Rgba16"/> when the layer has them.
/// </summary>
public sealed record PlacedLayer(string Name, int X, int Y, int Width, int Height, byte[] Rgba8, bool Visible = true)
{
    public ushort[]? Rgba16 { get; init; }
}

/// <summary>
/// A layered image as it is written: a canvas size and its layers, bottom-most first, each only as large as what it
/// covers. Nothing here makes a full canvas per layer; only <see cref="Composite"/> makes one canvas.
/// </summary>
public sealed record PlacedDocument(int Width, int Height, IReadOnlyList<PlacedLayer> Layers)
{
    /// <summary>The visible layers stacked with the "over" operator, what an editor shows, as RGBA8.</summary>
    public byte[] Composite() => PlacedCompositor.Over8(this);
}
