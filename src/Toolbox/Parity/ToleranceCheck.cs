using QwenLayered.Engine.Weights;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>Compares an output with its reference element by element, in float64 on the CPU.</summary>
public static class ToleranceCheck
{
    public static ParityResult Compare(string caseName, string component, string output, Tensor actual, Tensor expected, Tolerance tolerance)
    {
        if (!actual.shape.SequenceEqual(expected.shape))
            return ParityResult.Failure(caseName, component, output,
                $"shape {ShapeFormat.Of(actual.shape)} differs from the reference {ShapeFormat.Of(expected.shape)}");

        using var scope = NewDisposeScope();
        var a = actual.detach().to(ScalarType.Float64, CPU);
        var e = expected.detach().to(ScalarType.Float64, CPU);
        var error = (a - e).abs();
        // NaN compares false, so a NaN anywhere fails the check.
        var within = error.le((e.abs() * Kept(tolerance.Rtol)).Plus(Kept(tolerance.Atol)));
        long failing = within.numel() - within.sum().item<long>();
        if (error.numel() == 0)
            return new ParityResult(caseName, component, output, true, 0, [], 0, tolerance);

        var nanAware = error.nan_to_num(double.PositiveInfinity);
        long flatWorst = nanAware.argmax().item<long>();
        double maxAbs = error.flatten()[flatWorst].item<double>();
        return new ParityResult(caseName, component, output, failing == 0, maxAbs, Unravel(flatWorst, expected.shape), failing, tolerance);
    }

    private static long[] Unravel(long flat, long[] shape)
    {
        var index = new long[shape.Length];
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }
}
