namespace QwenLayered.Engine.Transformer;

/// <summary>Integer RoPE position of one token on the (frame, row, column) axes.</summary>
internal readonly record struct RopePosition(int Frame, int Row, int Column);

/// <summary>
/// Where every image and text token sits for RoPE (diffusers <c>QwenEmbedRope</c> / <c>QwenEmbedLayer3DRope</c>
/// with <c>scale_rope=True</c>).
/// <list type="bullet">
/// <item>Grid i covers frames i … i+frames−1; in the layered variant the last grid (the condition image) is frame −1.</item>
/// <item>Rows and columns are centred: a side of n gets −(n − n/2) … n/2 − 1 (integer division), so odd sides lean negative.</item>
/// <item>Text token k sits at start + k on all three axes, start = max over grids of max(h/2, w/2); the layered variant
///   also takes the max with the number of noisy grids. k counts padded positions too.</item>
/// </list>
/// </summary>
internal static class RopePositions
{
    public static RopePosition[] Image(IReadOnlyList<TokenGrid> grids, bool layered)
    {
        Validate(grids, layered);
        var positions = new List<RopePosition>(grids.Sum(g => g.Tokens));
        for (int index = 0; index < grids.Count; index++)
        {
            var grid = grids[index];
            bool condition = layered && index == grids.Count - 1;
            for (int f = 0; f < grid.Frames; f++)
            for (int r = 0; r < grid.Height; r++)
            for (int c = 0; c < grid.Width; c++)
                positions.Add(new RopePosition(condition ? -1 : index + f, Centred(r, grid.Height), Centred(c, grid.Width)));
        }
        return [.. positions];
    }

    public static RopePosition[] Text(IReadOnlyList<TokenGrid> grids, int textLength, bool layered)
    {
        Validate(grids, layered);
        int start = TextStart(grids, layered);
        return [.. Enumerable.Range(start, textLength).Select(p => new RopePosition(p, p, p))];
    }

    /// <summary>The first text position: past the largest half-side, and (layered) past the noisy frame indices.</summary>
    public static int TextStart(IReadOnlyList<TokenGrid> grids, bool layered)
    {
        int start = grids.Max(g => Math.Max(g.Height / 2, g.Width / 2));
        return layered ? Math.Max(start, grids.Count - 1) : start;
    }

    private static int Centred(int index, int size) => index - (size - size / 2);

    private static void Validate(IReadOnlyList<TokenGrid> grids, bool layered)
    {
        if (grids.Count == 0)
            throw new ArgumentException("img_shapes must list at least one token grid.", nameof(grids));
        if (grids.Any(g => g.Frames <= 0 || g.Height <= 0 || g.Width <= 0))
            throw new ArgumentException($"Every token grid needs positive sizes, got [{string.Join(", ", grids)}].", nameof(grids));
        if (layered && grids[^1].Frames != 1)
            throw new ArgumentException($"The condition grid (last entry) must have one frame, got {grids[^1]}.", nameof(grids));
    }
}
