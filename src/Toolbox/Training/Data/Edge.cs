namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// How a shape's edge turns a signed distance (pixels, negative inside) into coverage: a hard edge antialiased over
/// one pixel, or a soft one fading over <see cref="Feather"/> pixels (glows, blurred cut-outs).
/// </summary>
public readonly record struct Edge(double Feather)
{
    public static Edge Hard => new(1);

    public double Coverage(double distance)
    {
        double t = Math.Clamp(0.5 - distance / Feather, 0, 1);
        return Feather <= 1 ? t : t * t * (3 - 2 * t);
    }
}
