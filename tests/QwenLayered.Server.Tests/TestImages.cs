using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Server.Tests;

internal static class TestImages
{
    /// <summary>The PNG signature and an IHDR start: enough for format detection, not a decodable image.</summary>
    public static readonly byte[] PngHeader = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    /// <summary>An opaque RGBA gradient PNG.</summary>
    public static byte[] Png(int width, int height, PngColorType colorType = PngColorType.RgbWithAlpha, PngBitDepth depth = PngBitDepth.Bit8)
    {
        using var image = new Image<Rgba32>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), 128, (byte)(x < width / 2 ? 255 : 96));
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { ColorType = colorType, BitDepth = depth });
        return stream.ToArray();
    }
}
