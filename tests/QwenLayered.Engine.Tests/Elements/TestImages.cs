using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Tests.Elements;

/// <summary>Small opaque images whose elements are known.</summary>
internal static class TestImages
{
    /// <summary>One colour everywhere.</summary>
    public static RgbaImage Flat(int size, byte r, byte g, byte b) => Painted(size, (_, _) => (r, g, b));

    /// <summary>A light background with a red square top left and a blue one bottom right, each a quarter of the side.</summary>
    public static RgbaImage TwoSquares(int size) => Painted(size, (x, y) =>
        x < size / 2 && y < size / 2 && x >= size / 8 && y >= size / 8 ? ((byte)220, (byte)30, (byte)30)
        : x >= size / 2 && y >= size / 2 && x < size * 7 / 8 && y < size * 7 / 8 ? ((byte)30, (byte)40, (byte)200)
        : ((byte)235, (byte)235, (byte)225));

    public static RgbaImage Painted(int size, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var pixels = new byte[size * size * 4];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++)
            {
                var (r, g, b) = colour(x, y);
                int p = 4 * (y * size + x);
                (pixels[p], pixels[p + 1], pixels[p + 2], pixels[p + 3]) = (r, g, b, 255);
            }
        return new RgbaImage(size, size, pixels);
    }
}
