namespace QwenLayered.Toolbox.Training.Data;

/// <summary>Smooth value noise in [0, 1] over the unit square: random values on a grid, bicubically smoothed between.</summary>
public sealed class ValueNoise
{
    private readonly double[,] _values;
    private readonly int _cells;

    public ValueNoise(Random random, int cells)
    {
        _cells = cells;
        _values = new double[cells + 1, cells + 1];
        for (int i = 0; i <= cells; i++)
            for (int j = 0; j <= cells; j++)
                _values[i, j] = random.NextDouble();
    }

    public double At(double u, double v)
    {
        double x = Math.Clamp(u, 0, 1) * _cells, y = Math.Clamp(v, 0, 1) * _cells;
        int i = Math.Min((int)x, _cells - 1), j = Math.Min((int)y, _cells - 1);
        double sx = Smooth(x - i), sy = Smooth(y - j);
        double top = _values[j, i] + (_values[j, i + 1] - _values[j, i]) * sx;
        double bottom = _values[j + 1, i] + (_values[j + 1, i + 1] - _values[j + 1, i]) * sx;
        return top + (bottom - top) * sy;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);
}
