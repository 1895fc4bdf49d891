using QwenLayered.Engine.Imaging;

namespace QwenLayered.LayerFiles;

/// <summary>A placed layer's pixels as a PNG (<see cref="LayerPng.Encode"/>).</summary>
internal static class LayerFilePng
{
    public static byte[] Encode(PlacedLayer layer) => LayerPng.Encode(layer.Rgba8, layer.Rgba16, layer.Width, layer.Height);
}
