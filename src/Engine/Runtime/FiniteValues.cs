using static TorchSharp.torch;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Whether tensors hold only finite numbers. Their sum (in float32) is NaN or infinite exactly when an element is, or
/// when finite elements add up beyond float32's range (3e38), numbers no working model computes. A sum is one pass
/// without temporaries, about a hundred times faster on a CPU than <c>isfinite().all()</c>; then one wait for the answer.
/// </summary>
internal static class FiniteValues
{
    /// <summary>True when no element of <paramref name="tensors"/> (all on one device) is NaN or infinite.</summary>
    public static bool All(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var sums = tensors.Select(t => t.sum(ScalarType.Float32)).ToList();
        return sums.Count == 0 || stack(sums).sum().isfinite().item<bool>();
    }
}
