namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// The alpha boundary F-score: how well one layer's mask outline (alpha at or above <see cref="LayerMetrics.InsideAlpha"/>)
/// follows another's, each outline pixel counting as found when the other outline passes within a tolerance (a square
/// of that many pixels each side). Sharp, well-placed edges score near 1; blurred or shifted ones lower.
/// </summary>
public static class BoundaryScore
{
    /// <summary>F = 2PR/(P + R) over RGBA8 canvases of one size; 1 when neither has an outline, 0 when one has none.</summary>
    public static double F(byte[] truth, byte[] predicted, int width, int height, int tolerance)
    {
        var truthEdge = Outline(truth, width, height);
        var predictedEdge = Outline(predicted, width, height);
        int truthCount = truthEdge.Count(b => b), predictedCount = predictedEdge.Count(b => b);
        if (truthCount == 0 && predictedCount == 0) return 1;
        if (truthCount == 0 || predictedCount == 0) return 0;
        double precision = (double)Hits(predictedEdge, Dilate(truthEdge, width, height, tolerance)) / predictedCount;
        double recall = (double)Hits(truthEdge, Dilate(predictedEdge, width, height, tolerance)) / truthCount;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    // Inside pixels with a 4-neighbour outside (the canvas border does not count as outside).
    private static bool[] Outline(byte[] rgba, int width, int height)
    {
        bool Inside(int x, int y) => rgba[(y * width + x) * 4 + 3] >= LayerMetrics.InsideAlpha;
        var edge = new bool[width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                edge[y * width + x] = Inside(x, y) && ((x > 0 && !Inside(x - 1, y)) || (x < width - 1 && !Inside(x + 1, y))
                    || (y > 0 && !Inside(x, y - 1)) || (y < height - 1 && !Inside(x, y + 1)));
        return edge;
    }

    // Within `radius` pixels along both axes: a running count along rows, then along columns.
    private static bool[] Dilate(bool[] mask, int width, int height, int radius)
    {
        var rows = new bool[mask.Length];
        for (int y = 0; y < height; y++) Spread(mask, rows, y * width, 1, width, radius);
        var both = new bool[mask.Length];
        for (int x = 0; x < width; x++) Spread(rows, both, x, width, height, radius);
        return both;
    }

    private static void Spread(bool[] from, bool[] to, int start, int stride, int count, int radius)
    {
        int inWindow = 0;
        for (int i = 0; i < Math.Min(radius, count); i++) if (from[start + i * stride]) inWindow++;
        for (int i = 0; i < count; i++)
        {
            if (i + radius < count && from[start + (i + radius) * stride]) inWindow++;
            if (i - radius - 1 >= 0 && from[start + (i - radius - 1) * stride]) inWindow--;
            to[start + i * stride] = inWindow > 0;
        }
    }

    private static int Hits(bool[] edge, bool[] near) => edge.Where((e, i) => e && near[i]).Count();
}
