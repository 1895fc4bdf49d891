using System.Diagnostics;
using System.Globalization;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Refinement;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Training.Data;
using SixLabors.ImageSharp.Processing;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>One way of bringing a scene's layers to full resolution, scored against the scene's true layers.</summary>
/// <param name="AlphaIoU">Mean over the true layers of the alpha IoU with the predicted layer matched to each.</param>
/// <param name="BoundaryF">Mean over the true layers of <see cref="BoundaryScore.F"/> with the matched layer.</param>
/// <param name="Psnr">The layers stacked again against the scene's composite, RGBA, 8 bits.</param>
/// <param name="MaxError">The largest difference of any channel of any pixel of that restack, in 8-bit levels.</param>
/// <param name="Seconds">Time to make the full-resolution layers from the decoded ones (the model's time not included).</param>
/// <param name="CpuSeconds">The process's CPU time (all threads) over the same span: steadier than the wall clock on a busy machine.</param>
/// <param name="PeakBytes">The process's resident memory at its peak while doing so, above where it started.</param>
public sealed record RefinementScore(string Method, int Width, int Height, int Scene, double AlphaIoU, double BoundaryF, double Psnr,
    int MaxError, double Seconds, double CpuSeconds, long PeakBytes)
{
    public double Megapixels => Width * (double)Height / 1e6;
}

/// <summary>
/// Generates layered scenes with their true layers, lets the model decompose each at its own working size, then makes
/// full-resolution layers two ways and scores both: today's working-size layers upscaled with Lanczos (a = 3), and
/// <see cref="LayerRefinement"/>.
/// </summary>
public static class RefinementBenchmark
{
    public const string Lanczos = "working size + Lanczos3";
    public const string Refined = "refined";

    /// <summary>Tolerance of the boundary F-score, in pixels each side.</summary>
    public const int BoundaryTolerance = 3;

    /// <param name="onRefined">Sees the first scene's image and refined layers (for a picture).</param>
    public static IReadOnlyList<RefinementScore> Run(LayeredModel model, IReadOnlyList<(int Width, int Height)> sizes, int scenes, int seed,
        Action<RefinementScore>? onScore = null, Action<RgbaImage, IReadOnlyList<DecodedLayer>>? onRefined = null)
    {
        var scores = new List<RefinementScore>();
        foreach (var (width, height) in sizes)
            for (int index = 0; index < scenes; index++)
            {
                var scene = SceneGenerator.Generate(seed + index, width, height);
                var image = new RgbaImage(width, height, scene.Composite);
                var size = model.Policy.WorkingSize(width, height, 0);
                using var decoded = Decode(model, image, size, scene.Layers.Count, (ulong)(seed + index));

                var (upscaled, lanczos) = Measure(() => UpscaleWithLanczos(decoded, size, width, height));
                var (refined, refining) = Measure(() => LayerRefinement.Refine(image, decoded, sixteenBit: false));
                var placed = refined.Select((l, i) => new DecodedLayer(i, l.Width, l.Height, l.Rgba8, l.Rgba16) { X = l.X, Y = l.Y }).ToList();
                if (scores.Count == 0) onRefined?.Invoke(image, placed);

                foreach (var (method, layers, cost) in new[]
                {
                    (Lanczos, upscaled, lanczos),
                    (Refined, placed.Select(l => LayerPlacement.OnCanvas(l, width, height)).ToList(), refining),
                })
                {
                    var score = Score(scene, layers, method, index) with { Seconds = cost.Seconds, CpuSeconds = cost.CpuSeconds, PeakBytes = cost.PeakBytes };
                    scores.Add(score);
                    onScore?.Invoke(score);
                }
            }
        return scores;
    }

    /// <summary>A Markdown table: per size and method, means over the scenes, the worst restack, time and memory per megapixel.</summary>
    public static string Table(IReadOnlyList<RefinementScore> scores)
    {
        var table = new System.Text.StringBuilder();
        table.AppendLine($"| Size | Method | Scenes | Alpha IoU | Boundary F ({BoundaryTolerance} px) | Restack PSNR mean / worst | Largest error | s / MP (wall) | CPU s / MP | Peak MB / MP |");
        table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in scores.GroupBy(s => (s.Width, s.Height, s.Method)))
        {
            var rows = group.ToList();
            double megapixels = rows[0].Megapixels;
            table.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Width}x{group.Key.Height} | {group.Key.Method} | {rows.Count} | {rows.Average(r => r.AlphaIoU):F3} | {rows.Average(r => r.BoundaryF):F3} | " +
                $"{Db(rows.Average(r => Math.Min(r.Psnr, 99)))} / {Db(rows.Min(r => r.Psnr))} | {rows.Max(r => r.MaxError)}/255 | " +
                $"{rows.Average(r => r.Seconds) / megapixels:F2} | {rows.Average(r => r.CpuSeconds) / megapixels:F2} | {rows.Max(r => r.PeakBytes) / 1e6 / megapixels:F0} |"));
        }
        return table.ToString();
    }

    private static string Db(double psnr) => double.IsPositiveInfinity(psnr) || psnr >= 99 ? "∞" : string.Create(CultureInfo.InvariantCulture, $"{psnr:F1} dB");

    // The model's layers at its working size, [N, 4, h, w] in [−1, 1], as the pipeline decodes them.
    private static Tensor Decode(LayeredModel model, RgbaImage image, WorkingSize size, int layers, ulong seed)
    {
        var policy = model.Policy;
        var settings = new DecompositionSettings
        {
            Layers = layers, Steps = policy.DefaultSteps, GuidanceScale = policy.DefaultGuidanceScale, Seed = seed, FullResolution = false,
        };
        var input = new DecompositionInput(image, size, model.Prompts.Encode(""), settings)
        {
            NegativePrompt = settings.GuidanceScale > 1 ? model.Prompts.Encode(DecompositionPolicy.DefaultNegativePrompt) : null,
        };
        var captured = new DecodedLayers();
        model.Pipeline.Observer = captured;
        try
        {
            model.Pipeline.Run(input);
        }
        finally
        {
            model.Pipeline.Observer = null;
        }
        using var scope = NewDisposeScope();
        var decoded = cat(captured, 0).to(ScalarType.Float32).MoveToOuterDisposeScope();
        captured.ForEach(layer => layer.Dispose());
        return decoded;
    }

    // Today's path: the working-size layers (resized to the output size as the pipeline does), then Lanczos to full size.
    private static List<byte[]> UpscaleWithLanczos(Tensor decoded, WorkingSize size, int width, int height)
    {
        using var scope = NewDisposeScope();
        var working = LayerImages.ToRgba8(LayerResize.ToOutputSize(decoded, size));
        return [.. working.Select(pixels => ImageResize.Stretch(new RgbaImage(size.OutputWidth, size.OutputHeight, pixels), width, height,
            KnownResamplers.Lanczos3).Pixels)];
    }

    private static RefinementScore Score(LayeredScene scene, IReadOnlyList<byte[]> layers, string method, int index)
    {
        var iou = new double[scene.Layers.Count, layers.Count];
        for (int t = 0; t < scene.Layers.Count; t++)
            for (int p = 0; p < layers.Count; p++)
                iou[t, p] = LayerMetrics.AlphaIoU(scene.Layers[t].Pixels, layers[p]);
        var match = LayerMatching.Best(iou);
        double meanIoU = match.Select((p, t) => p < 0 ? 0 : iou[t, p]).Average();
        double boundary = match.Select((p, t) => p < 0 ? 0
            : BoundaryScore.F(scene.Layers[t].Pixels, layers[p], scene.Width, scene.Height, BoundaryTolerance)).Average();
        var (psnr, maxError) = Restack.Compare(scene.Composite, LayerCompositor.Over(layers, scene.Width, scene.Height), 255);
        return new RefinementScore(method, scene.Width, scene.Height, index, meanIoU, boundary, psnr, maxError, 0, 0, 0);
    }

    private static (T Result, (double Seconds, double CpuSeconds, long PeakBytes) Cost) Measure<T>(Func<T> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        HostMemory.ResetPeak();
        long before = HostMemory.ResidentBytes() ?? 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = work();
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return (result, (seconds, cpuSeconds, (HostMemory.PeakResidentBytes() ?? 0) - before));
    }

    /// <summary>The decoded layers the pipeline reports, detached from its scopes.</summary>
    private sealed class DecodedLayers : List<Tensor>, IDecompositionObserver
    {
        public void LayerDecoded(int layer, Tensor latents, Tensor image) => Add(image.detach().clone().DetachFromDisposeScope());
    }
}
