namespace QwenLayered.Tests;

/// <summary>Small hand-made layers with distinct colours, soft edges and transparent margins.</summary>
internal static class TestLayers
{
    /// <summary>An opaque layer whose every pixel differs (colour from its position).</summary>
    public static byte[] Opaque(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (int p = 0; p < width * height; p++)
            (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2], rgba[4 * p + 3]) = ((byte)(p * 7), (byte)(p * 13 + 5), (byte)(255 - p), 255);
        return rgba;
    }

    /// <summary>A transparent canvas with a w×h patch at (x, y) whose alpha ramps from 1 up, so its edges are soft.</summary>
    public static byte[] Patch(int width, int height, int x, int y, int w, int h, byte red, byte green, byte blue)
    {
        var rgba = new byte[width * height * 4];
        for (int row = y; row < y + h; row++)
        {
            for (int column = x; column < x + w; column++)
            {
                int p = (row * width + column) * 4;
                (rgba[p], rgba[p + 1], rgba[p + 2]) = ((byte)(red + column), (byte)(green + row), blue);
                rgba[p + 3] = (byte)(1 + 254 * ((row - y) * w + column - x) / Math.Max(1, w * h - 1));
            }
        }
        return rgba;
    }
}
