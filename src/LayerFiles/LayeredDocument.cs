using QwenLayered.Engine.Imaging;

namespace QwenLayered.LayerFiles;

/// <summary>One named layer of a document: straight-alpha RGBA8 covering the whole canvas (width·height·4 bytes).</summary>
public sealed record DocumentLayer(string Name, byte[] Rgba8, bool Visible = true);

/// <summary>A layered image as editors keep it: a canvas size and its layers, bottom-most first.</summary>
public sealed record LayeredDocument(int Width, int Height, IReadOnlyList<DocumentLayer> Layers)
{
    /// <summary>The visible layers stacked with the "over" operator, what an editor shows.</summary>
    public byte[] Composite() => LayerCompositor.Over([.. Layers.Where(l => l.Visible).Select(l => l.Rgba8)], Width, Height);

    /// <summary>The same layers as files store them: each cut to its alpha bounds, a fully transparent one to one pixel.</summary>
    public PlacedDocument Placed() => new(Width, Height, [.. Layers.Select(layer =>
    {
        var (bounds, pixels) = LayerCrop.Tight(layer.Rgba8, Width, Height);
        return new PlacedLayer(layer.Name, bounds.X, bounds.Y, bounds.Width, bounds.Height, pixels, layer.Visible);
    })]);
}
