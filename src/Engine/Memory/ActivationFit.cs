using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Memory;

/// <summary>
/// The peak memory of one transformer forward beyond its weights, as <c>Intercept + BytesPerUnit · rows · tokens · width ·
/// element size</c>: a block's live tensors are a fixed number of [rows, tokens, width] activations (the MLP's 4x
/// hidden layer, the attention's projections). Fitted by least squares to peaks <see cref="ActivationPeak"/> measures on
/// the CPU at small shapes, and scaled from there; on a GPU, whose attention kernels hold no extra copies, it errs high.
/// </summary>
public sealed record ActivationFit(double BytesPerUnit, double Intercept)
{
    // Small dense shapes (width, image side in latent patches, frames): a few seconds on two cores, yet far above the
    // allocator's noise. Text tokens: 32.
    private static readonly (int Heads, int Side, int Frames)[] Fitted = [(2, 16, 4), (4, 16, 6), (4, 24, 4)];
    private const int HeadDim = 32;
    private const int Rows = 2;
    private const int FitTextTokens = 32;

    private static readonly Lazy<ActivationFit?> Measured = new(MeasureNow);

    /// <summary>The fit measured on this machine (once per process); null where peaks cannot be measured (not Linux/glibc).</summary>
    public static ActivationFit? OnThisMachine => Measured.Value;

    /// <summary>Bytes of activations for <paramref name="rows"/> sequences of <paramref name="tokens"/> (image and text) at
    /// <paramref name="width"/> in <paramref name="dtype"/>.</summary>
    public long Bytes(long rows, long tokens, long width, ScalarType dtype) =>
        (long)Math.Ceiling(Math.Max(0, Intercept + BytesPerUnit * Unit(rows, tokens, width, dtype)));

    /// <summary>A small dense config of the published architecture with <paramref name="heads"/> heads of 32.</summary>
    internal static QwenImageTransformerConfig SmallConfig(int heads) => new()
    {
        NumLayers = 2, AttentionHeadDim = HeadDim, NumAttentionHeads = heads, JointAttentionDim = 32,
        AxesDimsRope = [8, 12, 12], UseAdditionalTCond = true, UseLayer3DRope = true,
    };

    /// <summary>The measured peak of one forward at a small shape, and its unit, for fitting and checking.</summary>
    internal static (double Unit, long Peak) MeasureAt(int heads, int side, int frames, int textTokens)
    {
        var grids = Enumerable.Repeat(new TokenGrid(1, side, side), frames).ToArray();
        long peak = ActivationPeak.Measure(SmallConfig(heads), ScalarType.Float32, Rows, grids, textTokens);
        return (Unit(Rows, frames * side * side + textTokens, heads * HeadDim, ScalarType.Float32), peak);
    }

    private static ActivationFit? MeasureNow()
    {
        if (!ActivationPeak.Available) return null;
        // The first measurement in a process also pays for one-time allocations: measure once and drop it.
        MeasureAt(Fitted[0].Heads, Fitted[0].Side, Fitted[0].Frames, FitTextTokens);
        var points = Fitted.Select(f => MeasureAt(f.Heads, f.Side, f.Frames, FitTextTokens)).ToList();
        return LeastSquares(points);
    }

    internal static ActivationFit LeastSquares(IReadOnlyList<(double Unit, long Peak)> points)
    {
        double meanX = points.Average(p => p.Unit), meanY = points.Average(p => (double)p.Peak);
        double slope = points.Sum(p => (p.Unit - meanX) * (p.Peak - meanY)) / points.Sum(p => (p.Unit - meanX) * (p.Unit - meanX));
        return new ActivationFit(slope, meanY - slope * meanX);
    }

    private static double Unit(long rows, long tokens, long width, ScalarType dtype) =>
        (double)rows * tokens * width * (dtype == ScalarType.Float32 ? 4 : 2);
}
