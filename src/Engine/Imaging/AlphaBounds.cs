namespace QwenLayered.Engine.Imaging;

/// <summary>The smallest rectangle holding every pixel with nonzero alpha; null for a fully transparent layer.</summary>
public readonly record struct AlphaBounds(int X, int Y, int Width, int Height)
{
    public static AlphaBounds? Of(byte[] rgba, int width, int height)
    {
        int left = width, top = height, right = -1, bottom = -1;
        for (int y = 0; y < height; y++)
        {
            int row = y * width * 4;
            for (int x = 0; x < width; x++)
            {
                if (rgba[row + 4 * x + 3] == 0) continue;
                left = Math.Min(left, x);
                right = Math.Max(right, x);
                top = Math.Min(top, y);
                bottom = y;
            }
        }
        return right < 0 ? null : new AlphaBounds(left, top, right - left + 1, bottom - top + 1);
    }
}
