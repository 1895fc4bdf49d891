namespace QwenLayered.Engine.Refinement;

/// <summary>A rectangle of the full-resolution canvas that the refinement works on at once.</summary>
internal readonly record struct CanvasTile(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    /// <summary>The canvas cut into <paramref name="size"/>-pixel squares (smaller at the right and bottom edges), row by row.</summary>
    public static IEnumerable<CanvasTile> Cover(int width, int height, int size)
    {
        for (int y = 0; y < height; y += size)
            for (int x = 0; x < width; x += size)
                yield return new CanvasTile(x, y, Math.Min(size, width - x), Math.Min(size, height - y));
    }

    public bool Overlaps(CanvasTile other) => X < other.Right && other.X < Right && Y < other.Bottom && other.Y < Bottom;
}
