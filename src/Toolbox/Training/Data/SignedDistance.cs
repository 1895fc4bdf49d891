namespace QwenLayered.Toolbox.Training.Data;

/// <summary>Signed distances in pixels (negative inside) of the shapes the generator paints.</summary>
public static class SignedDistance
{
    public static Func<double, double, double> Rect(double cx, double cy, double halfWidth, double halfHeight) => (x, y) =>
    {
        double dx = Math.Abs(x - cx) - halfWidth, dy = Math.Abs(y - cy) - halfHeight;
        double outside = Math.Sqrt(Math.Pow(Math.Max(dx, 0), 2) + Math.Pow(Math.Max(dy, 0), 2));
        return outside + Math.Min(Math.Max(dx, dy), 0);
    };

    /// <summary>An axis-aligned ellipse; the distance is scaled by the smaller radius (exact for circles, close otherwise).</summary>
    public static Func<double, double, double> Ellipse(double cx, double cy, double rx, double ry) => (x, y) =>
    {
        double nx = (x - cx) / rx, ny = (y - cy) / ry;
        return (Math.Sqrt(nx * nx + ny * ny) - 1) * Math.Min(rx, ry);
    };

    /// <summary>A round-capped line segment of the given half thickness (one stroke of a brush or a glyph).</summary>
    public static Func<double, double, double> Segment(double ax, double ay, double bx, double by, double halfThickness) => (x, y) =>
        DistanceToSegment(x, y, ax, ay, bx, by) - halfThickness;

    /// <summary>A simple polygon (vertices in order), even-odd inside test.</summary>
    public static Func<double, double, double> Polygon(IReadOnlyList<(double X, double Y)> vertices) => (x, y) =>
    {
        double nearest = double.MaxValue;
        bool inside = false;
        for (int i = 0, j = vertices.Count - 1; i < vertices.Count; j = i++)
        {
            var (ax, ay) = vertices[j];
            var (bx, by) = vertices[i];
            nearest = Math.Min(nearest, DistanceToSegment(x, y, ax, ay, bx, by));
            if ((by > y) != (ay > y) && x < (ax - bx) * (y - by) / (ay - by) + bx) inside = !inside;
        }
        return inside ? -nearest : nearest;
    };

    private static double DistanceToSegment(double x, double y, double ax, double ay, double bx, double by)
    {
        double vx = bx - ax, vy = by - ay;
        double lengthSquared = vx * vx + vy * vy;
        double t = lengthSquared == 0 ? 0 : Math.Clamp(((x - ax) * vx + (y - ay) * vy) / lengthSquared, 0, 1);
        double dx = x - (ax + t * vx), dy = y - (ay + t * vy);
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
