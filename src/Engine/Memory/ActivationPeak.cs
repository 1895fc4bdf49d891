using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Memory;

/// <summary>
/// Measures the peak memory one transformer forward needs on top of the weights, on the CPU: large blocks are mapped on
/// their own while it runs, so the process's peak resident size (reset just before) follows the tensors alive.
/// </summary>
internal static class ActivationPeak
{
    // Smaller than any activation of interest; the small tensors below it are noise.
    private const int MeasuredBlockBytes = 64 * 1024;

    /// <summary>Whether this machine can measure (Linux with glibc and a resettable peak resident size).</summary>
    public static bool Available => OperatingSystem.IsLinux() && HostMemory.ResidentBytes() is not null;

    /// <summary>
    /// Peak bytes above the resident size before the call of one forward of a dense <paramref name="config"/> model in
    /// <paramref name="dtype"/> with <paramref name="rows"/> sequences of <paramref name="grids"/> image tokens and
    /// <paramref name="textTokens"/> text tokens (after a first forward, which fills caches that later steps reuse).
    /// </summary>
    public static long Measure(QwenImageTransformerConfig config, ScalarType dtype, int rows, IReadOnlyList<TokenGrid> grids, int textTokens)
    {
        // From the start: blocks freed into the heap before would be reused without raising the resident size.
        using var mapped = GlibcMalloc.MapBlocksFrom(MeasuredBlockBytes)
            ?? throw new PlatformNotSupportedException("Measuring activation memory needs Linux with glibc.");
        using var model = new QwenImageTransformer2DModel(config, CPU, dtype);
        using var scope = NewDisposeScope();
        long imageTokens = grids.Sum(g => (long)g.Tokens);
        var input = new QwenImageTransformerInput
        {
            HiddenStates = randn(rows, imageTokens, config.InChannels, dtype: dtype),
            EncoderHiddenStates = randn(rows, textTokens, config.JointAttentionDim, dtype: dtype),
            Timestep = full(rows, Scalars.Kept(0.5), dtype: dtype),
            AdditionalTCond = config.UseAdditionalTCond ? zeros(rows, ScalarType.Int64) : null,
            ImageShapes = grids,
        };
        model.forward(input).Dispose();
        GlibcMalloc.ReleaseFreeMemory();
        if (!HostMemory.ResetPeak()) throw new PlatformNotSupportedException("Measuring activation memory needs a resettable peak resident size (Linux 4.0 and later).");
        long before = HostMemory.ResidentBytes()!.Value;
        model.forward(input).Dispose();
        return HostMemory.PeakResidentBytes()!.Value - before;
    }
}
