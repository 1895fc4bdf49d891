namespace QwenLayered.Toolbox.Training.Data;

/// <summary>An opaque 8-bit colour for the procedural painters.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Random(Random random) => new((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    public static Rgb Lerp(Rgb a, Rgb b, double t) => new(Mix(a.R, b.R, t), Mix(a.G, b.G, t), Mix(a.B, b.B, t));

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Clamp(Math.Round(a + (b - a) * t), 0, 255);
}
