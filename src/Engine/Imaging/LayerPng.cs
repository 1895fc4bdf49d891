using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Engine.Imaging;

/// <summary>Encodes layer pixels as RGBA PNG files (8 or 16 bits per channel).</summary>
public static class LayerPng
{
    /// <summary>16 bits per channel when the layer has them (<paramref name="rgba16"/> not null), else 8.</summary>
    public static byte[] Encode(byte[] rgba8, ushort[]? rgba16, int width, int height) =>
        rgba16 is null ? Encode8(rgba8, width, height) : Encode16(rgba16, width, height);

    public static byte[] Encode8(byte[] rgba, int width, int height)
    {
        using var image = Image.LoadPixelData<Rgba32>(rgba, width, height);
        return Save(image, PngBitDepth.Bit8);
    }

    public static byte[] Encode16(ushort[] rgba, int width, int height)
    {
        var pixels = new Rgba64[width * height];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = new Rgba64(rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]);
        using var image = Image.LoadPixelData<Rgba64>(pixels, width, height);
        return Save(image, PngBitDepth.Bit16);
    }

    private static byte[] Save(Image image, PngBitDepth depth)
    {
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = depth });
        return stream.ToArray();
    }
}
