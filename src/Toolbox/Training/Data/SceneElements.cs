namespace QwenLayered.Toolbox.Training.Data;

/// <summary>
/// The things painted on the upper layers: shapes (rectangles, ellipses, polygons), brush strokes and text-like glyph
/// blocks, with hard or soft edges. Each is placed inside a random region so elements of different layers overlap.
/// </summary>
public static class SceneElements
{
    /// <summary>Paints one random element; returns its kind, for the layer's name.</summary>
    public static string Paint(LayerCanvas canvas, Random random)
    {
        int size = Math.Min(canvas.Width, canvas.Height);
        var edge = random.Next(3) == 0 ? new Edge(1 + random.NextDouble() * size / 8) : Edge.Hard;
        double cx = canvas.Width * (0.2 + 0.6 * random.NextDouble()), cy = canvas.Height * (0.2 + 0.6 * random.NextDouble());
        double rx = size * (0.12 + 0.25 * random.NextDouble()), ry = size * (0.12 + 0.25 * random.NextDouble());
        var color = Rgb.Random(random);
        switch (random.Next(5))
        {
            case 0:
                canvas.Fill(SignedDistance.Rect(cx, cy, rx, ry), edge, color);
                return "rectangle";
            case 1:
                canvas.Fill(SignedDistance.Ellipse(cx, cy, rx, ry), edge, color);
                return "ellipse";
            case 2:
                canvas.Fill(SignedDistance.Polygon(PolygonAround(random, cx, cy, rx, ry)), edge, color);
                return "polygon";
            case 3:
                Stroke(canvas, random, color, size);
                return "stroke";
            default:
                Glyphs(canvas, random, color, cx - rx, cy - ry, 2 * rx, 2 * ry);
                return "text";
        }
    }

    // A star-shaped polygon of 3–7 vertices at random radii, so it is never self-intersecting.
    private static List<(double X, double Y)> PolygonAround(Random random, double cx, double cy, double rx, double ry)
    {
        int count = 3 + random.Next(5);
        double start = random.NextDouble() * Math.PI * 2;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            double angle = start + i * Math.PI * 2 / count, radius = 0.5 + 0.5 * random.NextDouble();
            return (cx + Math.Cos(angle) * rx * radius, cy + Math.Sin(angle) * ry * radius);
        })];
    }

    // A brush stroke: a polyline of round-capped segments, sometimes semi-transparent.
    private static void Stroke(LayerCanvas canvas, Random random, Rgb color, int size)
    {
        double halfThickness = 0.5 + random.NextDouble() * size / 16;
        double opacity = random.Next(2) == 0 ? 1 : 0.4 + 0.5 * random.NextDouble();
        var stroke = new LayerCanvas(canvas.Width, canvas.Height);
        double x = random.NextDouble() * canvas.Width, y = random.NextDouble() * canvas.Height;
        for (int i = 0, segments = 2 + random.Next(3); i < segments; i++)
        {
            double nx = random.NextDouble() * canvas.Width, ny = random.NextDouble() * canvas.Height;
            stroke.Fill(SignedDistance.Segment(x, y, nx, ny, halfThickness), Edge.Hard, color);
            (x, y) = (nx, ny);
        }
        // Painted whole first, then once at the stroke's opacity, so the joints do not darken where segments overlap.
        canvas.Paint(stroke, opacity);
    }

    // Rows of "words" made of pseudo-characters: each a few short thin strokes in its cell, like a block of text.
    private static void Glyphs(LayerCanvas canvas, Random random, Rgb color, double left, double top, double width, double height)
    {
        double cell = Math.Max(3, Math.Min(canvas.Width, canvas.Height) / (8.0 + random.Next(8)));
        double halfThickness = Math.Max(0.5, cell / 10);
        for (double y = top; y + cell <= top + height; y += cell * 1.5)
            for (double x = left; x + cell <= left + width; x += cell)
            {
                if (random.Next(5) == 0) continue; // a space between words
                for (int s = 0, strokes = 1 + random.Next(3); s < strokes; s++)
                {
                    double ax = x + random.NextDouble() * cell * 0.8, ay = y + random.NextDouble() * cell;
                    double bx = x + random.NextDouble() * cell * 0.8, by = y + random.NextDouble() * cell;
                    canvas.Fill(SignedDistance.Segment(ax, ay, bx, by, halfThickness), Edge.Hard, color);
                }
            }
    }
}
