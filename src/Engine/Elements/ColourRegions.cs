using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Elements;

/// <summary>
/// A cheap estimate of how many layers an image holds, from the image alone: on a small copy, neighbouring pixels of
/// nearly the same colour join one region (so a gradient or soft shading stays one region and an edge splits two);
/// regions of at least <see cref="MinShare"/> of the image count, and regions of nearly the same mean colour count once
/// (stripes, or a shape split by one in front of it). The background is one of them. The tolerances were tuned on
/// generated scenes apart from those measured (docs/benchmarks.md, "Automatic layer count"), where counting colour
/// clusters did as well; regions are kept because they split like colours only where an edge divides them.
/// </summary>
public static class ColourRegions
{
    /// <summary>Longest side of the copy the regions are found on.</summary>
    public const int WorkingEdge = 64;

    /// <summary>Largest step between neighbouring pixels inside one region, per channel, of 255.</summary>
    public const int StepTolerance = 6;

    /// <summary>Smallest share of the image a region needs to count.</summary>
    public const double MinShare = 0.02;

    /// <summary>Largest difference of mean colours, per channel of 255, at which two regions count once.</summary>
    public const int SameColourTolerance = 40;

    /// <summary>The distinct coloured regions of <paramref name="image"/>, at least 1.</summary>
    public static int Count(RgbaImage image)
    {
        var (small, width, height) = Shrink(image);
        var labels = new int[width * height];
        Array.Fill(labels, -1);
        var regions = new List<(double R, double G, double B, int Pixels)>();
        var stack = new Stack<int>();
        for (int start = 0; start < labels.Length; start++)
        {
            if (labels[start] >= 0) continue;
            int region = regions.Count;
            double r = 0, g = 0, b = 0;
            int pixels = 0;
            labels[start] = region;
            stack.Push(start);
            while (stack.TryPop(out int p))
            {
                r += small[3 * p]; g += small[3 * p + 1]; b += small[3 * p + 2];
                pixels++;
                int x = p % width, y = p / width;
                if (x > 0) Join(p, p - 1);
                if (x < width - 1) Join(p, p + 1);
                if (y > 0) Join(p, p - width);
                if (y < height - 1) Join(p, p + width);
            }
            regions.Add((r / pixels, g / pixels, b / pixels, pixels));

            void Join(int from, int to)
            {
                if (labels[to] >= 0 || !Near(small, from, to)) return;
                labels[to] = region;
                stack.Push(to);
            }
        }
        var kept = new List<(double R, double G, double B)>();
        foreach (var region in regions.Where(region => region.Pixels >= MinShare * labels.Length).OrderByDescending(region => region.Pixels))
        {
            if (!kept.Any(colour => Math.Abs(colour.R - region.R) <= SameColourTolerance && Math.Abs(colour.G - region.G) <= SameColourTolerance
                                    && Math.Abs(colour.B - region.B) <= SameColourTolerance))
                kept.Add((region.R, region.G, region.B));
        }
        return Math.Max(1, kept.Count);
    }

    private static bool Near(float[] small, int a, int b) =>
        Math.Abs(small[3 * a] - small[3 * b]) <= StepTolerance && Math.Abs(small[3 * a + 1] - small[3 * b + 1]) <= StepTolerance
        && Math.Abs(small[3 * a + 2] - small[3 * b + 2]) <= StepTolerance;

    // Box-averaged RGB (over mid grey where the image is transparent) at most WorkingEdge pixels a side.
    private static (float[] Rgb, int Width, int Height) Shrink(RgbaImage image)
    {
        double scale = Math.Min(1.0, (double)WorkingEdge / Math.Max(image.Width, image.Height));
        int width = Math.Max(1, (int)Math.Round(image.Width * scale)), height = Math.Max(1, (int)Math.Round(image.Height * scale));
        var sums = new double[width * height * 3];
        var counts = new int[width * height];
        for (int y = 0; y < image.Height; y++)
        {
            int row = Math.Min(height - 1, (int)((long)y * height / image.Height));
            for (int x = 0; x < image.Width; x++)
            {
                int cell = row * width + Math.Min(width - 1, (int)((long)x * width / image.Width));
                int p = 4 * (y * image.Width + x);
                double alpha = image.Pixels[p + 3] / 255.0;
                for (int c = 0; c < 3; c++) sums[3 * cell + c] += alpha * image.Pixels[p + c] + (1 - alpha) * 128;
                counts[cell]++;
            }
        }
        var rgb = new float[sums.Length];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (float)(sums[i] / Math.Max(1, counts[i / 3]));
        return (rgb, width, height);
    }
}
