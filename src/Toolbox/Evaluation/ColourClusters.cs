using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// The other image heuristic measured for the automatic layer count: on a copy at most 64 pixels a side, each pixel
/// joins the first colour cluster whose seed is within <see cref="Tolerance"/> per channel (seeds taken in the order the
/// pixels come), and clusters of at least 1% of the pixels count. Blind to where colours sit: only a tolerance this
/// coarse (tuned like <see cref="Engine.Elements.ColourRegions"/>'s) keeps a gradient whole, and it joins unlike colours too.
/// </summary>
public static class ColourClusters
{
    public const int Tolerance = 96;

    public static int Count(RgbaImage image)
    {
        double scale = Math.Min(1.0, 64.0 / Math.Max(image.Width, image.Height));
        var small = ImageResize.Stretch(image, Math.Max(1, (int)(image.Width * scale)), Math.Max(1, (int)(image.Height * scale)), KnownResamplers.Box);
        var seeds = new List<(int R, int G, int B)>();
        var members = new List<int>();
        for (int p = 0; p < small.Pixels.Length; p += 4)
        {
            int r = small.Pixels[p], g = small.Pixels[p + 1], b = small.Pixels[p + 2];
            int cluster = seeds.FindIndex(s => Math.Abs(s.R - r) <= Tolerance && Math.Abs(s.G - g) <= Tolerance && Math.Abs(s.B - b) <= Tolerance);
            if (cluster < 0)
            {
                seeds.Add((r, g, b));
                members.Add(0);
                cluster = seeds.Count - 1;
            }
            members[cluster]++;
        }
        return Math.Max(1, members.Count(count => count >= 0.01 * small.PixelCount));
    }
}
