namespace QwenLayered.Toolbox.Training.Data;

/// <summary>Opaque bottom layers: linear or radial gradients, value-noise textures and stripes.</summary>
public static class Backgrounds
{
    private static readonly Func<double, double, double> Everywhere = (_, _) => -1;

    public static byte[] Paint(Random random, int width, int height)
    {
        var canvas = new LayerCanvas(width, height);
        Rgb a = Rgb.Random(random), b = Rgb.Random(random);
        Func<int, int, Rgb> color = random.Next(4) switch
        {
            0 => LinearGradient(a, b, random.NextDouble() * Math.PI * 2, width, height),
            1 => RadialGradient(a, b, random.NextDouble() * width, random.NextDouble() * height, Math.Max(width, height)),
            2 => Noise(a, b, new ValueNoise(random, cells: 2 + random.Next(6)), width, height),
            _ => Stripes(a, b, 4 + random.Next(Math.Max(1, width / 4)), random.NextDouble() * Math.PI),
        };
        canvas.Fill(Everywhere, Edge.Hard, color);
        return canvas.Pixels;
    }

    private static Func<int, int, Rgb> LinearGradient(Rgb a, Rgb b, double angle, int width, int height)
    {
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        double span = Math.Abs(dx) * width + Math.Abs(dy) * height;
        double start = Math.Min(0, dx * width) + Math.Min(0, dy * height);
        return (x, y) => Rgb.Lerp(a, b, (x * dx + y * dy - start) / span);
    }

    private static Func<int, int, Rgb> RadialGradient(Rgb a, Rgb b, double cx, double cy, double radius) =>
        (x, y) => Rgb.Lerp(a, b, Math.Min(1, Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / radius));

    private static Func<int, int, Rgb> Noise(Rgb a, Rgb b, ValueNoise noise, int width, int height) =>
        (x, y) => Rgb.Lerp(a, b, noise.At((double)x / width, (double)y / height));

    private static Func<int, int, Rgb> Stripes(Rgb a, Rgb b, int period, double angle) =>
        (x, y) => (int)Math.Floor((x * Math.Cos(angle) + y * Math.Sin(angle)) / period) % 2 == 0 ? a : b;
}
