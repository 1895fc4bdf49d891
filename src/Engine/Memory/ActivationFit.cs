using System.Collections.Concurrent;
using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Memory;

/// <summary>
/// The peak memory of one transformer forward beyond its weights, as <c>rows · tokens · width · element size ·
/// (BytesPerUnit + BytesPerUnitToken · tokens)</c>: a block's live tensors are a fixed number of [rows, tokens, width]
/// activations (the MLP's 4x hidden layer, the attention's projections), and the attention's working memory grows a little
/// faster than the tokens (measured on the CPU: 15.7–16.0 bytes per unit at 640 tokens, 17.6 at 6,400, at every width from
/// 64 to 512). Fitted by least squares of the relative error to peaks <see cref="ActivationPeak"/> measures on the CPU at
/// small shapes in the planned dtype (the CPU's bf16 kernels keep float copies the float32 ones do not), and scaled from
/// there; on a GPU, whose attention kernels hold no extra copies, it errs high.
/// </summary>
/// <param name="Dtype">The dtype the peaks were measured in.</param>
public sealed record ActivationFit(double BytesPerUnit, double BytesPerUnitToken, ScalarType Dtype = ScalarType.Float32)
{
    // Small dense shapes (heads of 32, image side in latent patches, frames) with the plan's 256 text tokens: 128–256 wide,
    // 352–6,400 tokens (the demo model's 64 px to near the published 640 px), up to ~110 MB in float32.
    private static readonly (int Heads, int Side, int Frames)[] Fitted = [(4, 4, 6), (8, 16, 6), (8, 24, 8), (4, 32, 6)];
    // Shapes the fit has not seen, to check it against (96 wide x 2,080 tokens, 64 x 3,488, 128 x 2,032).
    private static readonly (int Heads, int Side, int Frames)[] HeldOut = [(3, 16, 8), (2, 24, 6), (4, 20, 5)];
    private const int HeadDim = 32;
    private const int Rows = 2;
    private const int FitTextTokens = MemoryPlanner.DefaultTextTokens;
    private const int Measurements = 3;

    private static readonly ConcurrentDictionary<ScalarType, Lazy<ActivationFit?>> Measured = new();

    /// <summary>The fit for <paramref name="dtype"/> measured on this machine (once per process and dtype, a few seconds);
    /// null where peaks cannot be measured (not Linux/glibc).</summary>
    public static ActivationFit? OnThisMachine(ScalarType dtype) => Measured.GetOrAdd(dtype, d => new(() => MeasureNow(d))).Value;

    /// <summary>Bytes of activations for <paramref name="rows"/> sequences of <paramref name="tokens"/> (image and text) at
    /// <paramref name="width"/> in <paramref name="dtype"/>.</summary>
    public long Bytes(long rows, long tokens, long width, ScalarType dtype) =>
        (long)Math.Ceiling(Unit(rows, tokens, width, dtype) * (BytesPerUnit + BytesPerUnitToken * tokens));

    /// <summary>A small dense config of the published architecture with <paramref name="heads"/> heads of 32.</summary>
    internal static QwenImageTransformerConfig SmallConfig(int heads) => new()
    {
        NumLayers = 2, AttentionHeadDim = HeadDim, NumAttentionHeads = heads, JointAttentionDim = 32,
        AxesDimsRope = [8, 12, 12], UseAdditionalTCond = true, UseLayer3DRope = true,
    };

    /// <summary>The fit's figure beside a peak measured now, at each held-out shape (Linux with glibc only).</summary>
    public IReadOnlyList<ActivationCheck> CheckAgainstMeasured() => [.. HeldOut.Select(shape =>
    {
        var (_, _, peak) = MeasureAt(shape, Dtype);
        return new ActivationCheck(shape.Heads * HeadDim, Tokens(shape), Bytes(Rows, Tokens(shape), shape.Heads * HeadDim, Dtype), peak);
    })];

    // The measured peak of one forward at a small shape, with its unit and tokens: the median of three, since now and then
    // a measurement comes out far off (at about half, or above; the resident size moves with more than the tensors).
    private static (double Unit, int Tokens, long Peak) MeasureAt((int Heads, int Side, int Frames) shape, ScalarType dtype)
    {
        var grids = Enumerable.Repeat(new TokenGrid(1, shape.Side, shape.Side), shape.Frames).ToArray();
        long peak = Enumerable.Range(0, Measurements).Select(_ => ActivationPeak.Measure(SmallConfig(shape.Heads), dtype, Rows, grids, FitTextTokens))
            .Order().ElementAt(Measurements / 2);
        return (Unit(Rows, Tokens(shape), shape.Heads * HeadDim, dtype), Tokens(shape), peak);
    }

    private static int Tokens((int Heads, int Side, int Frames) shape) => shape.Frames * shape.Side * shape.Side + FitTextTokens;

    private static ActivationFit? MeasureNow(ScalarType dtype)
    {
        if (!ActivationPeak.Available) return null;
        // The first measurement in a process also pays for one-time allocations: measure once and drop it.
        MeasureAt(Fitted[0], dtype);
        var fit = LeastSquares([.. Fitted.Select(shape => MeasureAt(shape, dtype))]);
        return fit with { Dtype = dtype };
    }

    /// <summary>
    /// The fit with the least squared relative error over <paramref name="points"/> (so a small shape counts as much as a
    /// large one): peak / unit = BytesPerUnit + BytesPerUnitToken · tokens, each point weighted by (unit / peak)².
    /// </summary>
    internal static ActivationFit LeastSquares(IReadOnlyList<(double Unit, int Tokens, long Peak)> points)
    {
        // Normal equations of Σ ((b + c·t) − y)² · w with y = peak / unit and w = (unit / peak)² = 1 / y².
        double sw = 0, st = 0, stt = 0, sy = 0, sty = 0;
        foreach (var (unit, tokens, peak) in points)
        {
            double y = peak / unit, w = 1 / (y * y);
            sw += w; st += w * tokens; stt += w * tokens * tokens; sy += w * y; sty += w * tokens * y;
        }
        double c = (sw * sty - st * sy) / (sw * stt - st * st);
        return new ActivationFit((sy - c * st) / sw, c);
    }

    private static double Unit(long rows, long tokens, long width, ScalarType dtype) =>
        (double)rows * tokens * width * (dtype == ScalarType.Float32 ? 4 : 2);
}
