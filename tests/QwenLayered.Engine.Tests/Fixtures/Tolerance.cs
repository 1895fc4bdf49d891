using TorchSharp;

namespace QwenLayered.Engine.Tests.Fixtures;

/// <summary>The fixtures' elementwise check <c>|actual − expected| ≤ atol + rtol·|expected|</c>.</summary>
public static class Tolerance
{
    /// <summary>Max |actual − expected| and the number of elements outside tolerance, over positions where <paramref name="where"/> holds.</summary>
    public static (double MaxAbs, long Failing) Compare(torch.Tensor actual, torch.Tensor expected, double atol, double rtol, torch.Tensor? where = null)
    {
        using var scope = torch.NewDisposeScope();
        var a = actual.to(torch.float64);
        var e = expected.to(torch.float64);
        var difference = (a - e).abs();
        var failing = difference > atol + rtol * e.abs();
        if (where is not null)
        {
            var keep = where.to(torch.@bool).expand_as(difference);
            difference = difference.masked_select(keep);
            failing = failing.masked_select(keep);
        }
        return (difference.numel() == 0 ? 0 : difference.max().item<double>(), failing.sum().item<long>());
    }
}
