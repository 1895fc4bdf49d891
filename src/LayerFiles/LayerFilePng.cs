using QwenLayered.Engine.Imaging;

namespace QwenLayered.LayerFiles;

/// <summary>A placed layer's pixels as a PNG: 16 bits per channel when the layer has them, else 8.</summary>
internal static class LayerFilePng
{
    public static byte[] Encode(PlacedLayer layer) => layer.Rgba16 is { } deep
        ? LayerPng.Encode16(deep, layer.Width, layer.Height)
        : LayerPng.Encode8(layer.Rgba8, layer.Width, layer.Height);
}
