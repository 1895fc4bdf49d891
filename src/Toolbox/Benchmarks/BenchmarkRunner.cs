using System.Diagnostics;
using System.Globalization;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Benchmarks;

/// <summary>
/// Loads a model (a folder, or random weights built in memory), runs a warm-up decomposition, a measured one and a short
/// one with guidance flipped, and reports the figures of <see cref="BenchmarkReport"/>. Step times are read after waiting
/// for the device in the progress callback (the benchmark's own wait; the pipeline's step loop has none).
/// </summary>
public static class BenchmarkRunner
{
    // A typical artist's prompt, so the text token count is realistic.
    private const string PromptText = "A poster of a red fox sitting in front of a blue mountain range under a starry sky, with the title text FOX in bold letters";

    public static BenchmarkReport Run(BenchmarkOptions options, TextWriter log)
    {
        options.Validate();
        using var monitor = options.Device.type == DeviceType.CUDA ? DeviceMemoryMonitor.TryStart(Math.Max(0, (int)options.Device.index)) : null;
        var configs = options.ModelFolder is null ? RandomModelConfigs.Named(options.RandomConfig, options.TokenizerFolder!) : null;
        var size = configs is null ? null : ModelSize.Of(configs);
        string modelName = configs is null ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ModelFolder!))) : $"random:{options.RandomConfig}";
        log.WriteLine($"Building {modelName} ({options.DType} on {options.Device}, memory mode {options.Memory.Name()}){(size is null ? "" : $": {size.Total / 1e9:F2}B parameters, {size.Bytes(options.DType) / 1e9:F1} GB")}");

        var clock = Stopwatch.StartNew();
        using var model = configs is null
            ? LayeredModel.Load(options.ModelFolder!, options.DType, options.Device, options.Memory.TextEncoder(options.TextEncoderResidency), options.Memory)
            : RandomLayeredModel.Create(configs, options.DType, options.Device, options.Seed, options.Memory.TextEncoder(options.TextEncoderResidency), options.Memory);
        model.Prompts.LoadEncoder();
        DeviceSync.Wait(options.Device);
        double load = clock.Elapsed.TotalSeconds;
        log.WriteLine($"Loaded in {load:F2} s");
        int resolution = options.Resolution ?? model.Profile.DefaultResolution;

        double? warmup = null;
        if (options.WarmUp)
        {
            clock.Restart();
            Measure(model, options with { Steps = 1, Batch = 1, PreviewEverySteps = 0 }, resolution, "warm-up");
            warmup = clock.Elapsed.TotalSeconds;
            log.WriteLine($"Warm-up decomposition (1 step) in {warmup:F2} s");
        }

        var main = Measure(model, options, resolution, "main");
        log.WriteLine($"Measured decomposition: {main.EndToEnd:F2} s end to end");
        clock.Restart();
        model.Prompts.Encode(Prompt("main", 0));
        DeviceSync.Wait(options.Device);
        double cachedEncoding = clock.Elapsed.TotalSeconds;
        var other = options.OtherGuidanceSteps > 0
            ? Measure(model, options with { Guidance = !options.Guidance, Steps = options.OtherGuidanceSteps, PreviewEverySteps = 0 }, resolution, "other")
            : null;
        var (guided, unguided) = options.Guidance ? (main, other) : (other, main);

        var working = WorkingSize.ForArea(resolution, resolution, (long)resolution * resolution, model.VaeScaleFactor);
        long imageTokens = (options.Layers + 2L) * working.TokensPerFrame;
        int sequences = options.Batch * (options.Guidance ? 2 : 1);
        return new BenchmarkReport
        {
            Model = modelName, Device = options.Device.ToString(), DeviceName = monitor?.Name, Dtype = options.DType.ToString(),
            Width = working.Width, Height = working.Height, Layers = options.Layers, Steps = options.Steps, Guidance = options.Guidance,
            BatchGuidance = options.BatchGuidance, Batch = options.Batch, PreviewEverySteps = options.PreviewEverySteps,
            Parameters = size is null ? null : new Dictionary<string, long> { ["transformer"] = size.Transformer, ["vae"] = size.Vae, ["text_encoder"] = size.TextEncoder },
            LoadSeconds = load, WarmupSeconds = warmup,
            TextEncodingSeconds = main.TextEncoding, TextEncodingCachedSeconds = cachedEncoding,
            VaeEncodeSeconds = main.Phase("vae_encode"),
            StepSecondsGuided = guided?.MedianStep, StepSecondsUnguided = unguided?.MedianStep,
            SamplingSeconds = main.Phase("sampling"),
            VaeDecodeSecondsPerLayer = main.Phase("vae_decode") / (options.Layers * options.Batch),
            EndToEndSeconds = main.EndToEnd, SecondsPerJob = main.EndToEnd / options.Batch, TimeToFirstPreviewSeconds = main.FirstPreview,
            PeakHostRssBytes = HostMemory.PeakResidentBytes(),
            PeakDeviceMemoryBytes = monitor?.PeakUsedBytes, DeviceMemoryBaselineBytes = monitor?.BaselineUsedBytes,
            ImageTokensPerSequence = imageTokens, TextTokens = main.TextTokens, SequencesPerStep = sequences,
            TokensPerStep = sequences * (imageTokens + main.TextTokens),
            Machine = new Dictionary<string, string>
            {
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["processors"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                ["torch_threads"] = torch.get_num_threads().ToString(CultureInfo.InvariantCulture),
                ["runtime"] = $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {TorchRuntime.Description}",
            },
            MeasuredAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
    }

    private static string Prompt(string run, int job) => $"{PromptText} ({run} {job})";

    // One batch from new prompts to decoded layers, timed as a request would be.
    private static RunTimes Measure(LayeredModel model, BenchmarkOptions options, int resolution, string run)
    {
        var device = options.Device;
        var image = TestImage(resolution);
        var size = WorkingSize.ForArea(image.Width, image.Height, (long)resolution * resolution, model.VaeScaleFactor);
        var clock = Stopwatch.StartNew();
        var negative = options.Guidance ? model.Prompts.Encode(DecompositionPolicy.DefaultNegativePrompt) : null;
        var inputs = Enumerable.Range(0, options.Batch).Select(job => new DecompositionInput(image, size, model.Prompts.Encode(Prompt(run, job)),
            new DecompositionSettings
            {
                Layers = options.Layers, Steps = options.Steps, GuidanceScale = options.Guidance ? DecompositionPolicy.FallbackGuidanceScale : 1f, BatchGuidance = options.BatchGuidance,
                PreviewEverySteps = options.PreviewEverySteps, Seed = options.Seed + (ulong)job,
            })
        { NegativePrompt = negative }).ToList();
        model.Prompts.ReleaseEncoder();
        DeviceSync.Wait(device);
        double textEncoding = clock.Elapsed.TotalSeconds;

        var stepEnds = new List<double>();
        double? firstPreview = null;
        var results = model.Pipeline.RunBatch(inputs, (job, e) =>
        {
            if (job != 0) return;
            if (e is SamplingProgress)
            {
                DeviceSync.Wait(device);
                stepEnds.Add(clock.Elapsed.TotalSeconds);
            }
            else if (e is LayerPreview) firstPreview ??= clock.Elapsed.TotalSeconds;
        });
        double endToEnd = clock.Elapsed.TotalSeconds;
        long textTokens = inputs.Select(i => i.Prompt.Length).Concat(negative is null ? [] : [negative.Length]).Max();
        return new RunTimes(textEncoding, MedianStep(stepEnds, results[0].Timings), firstPreview, endToEnd, textTokens, results[0].Timings);
    }

    // Median of the steps after the first (the first also carries one-time work); the mean when there is one step.
    private static double MedianStep(List<double> stepEnds, IReadOnlyList<PhaseTiming> timings)
    {
        if (stepEnds.Count < 2) return timings.Single(t => t.Phase == "sampling").Duration.TotalSeconds / Math.Max(1, stepEnds.Count);
        var steps = stepEnds.Zip(stepEnds.Skip(1), (a, b) => b - a).Order().ToList();
        return steps.Count % 2 == 1 ? steps[steps.Count / 2] : (steps[steps.Count / 2 - 1] + steps[steps.Count / 2]) / 2;
    }

    // An opaque picture with a gradient and a square, at the benchmark's edge length.
    private static RgbaImage TestImage(int edge)
    {
        var pixels = new byte[edge * edge * 4];
        for (int y = 0; y < edge; y++)
            for (int x = 0; x < edge; x++)
            {
                int i = (y * edge + x) * 4;
                bool square = x > edge / 4 && x < edge / 2 && y > edge / 4 && y < edge / 2;
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = (square ? (byte)220 : (byte)(x * 255 / edge), (byte)(y * 255 / edge), 96, 255);
            }
        return new RgbaImage(edge, edge, pixels);
    }

    private sealed record RunTimes(double TextEncoding, double MedianStep, double? FirstPreview, double EndToEnd, long TextTokens,
        IReadOnlyList<PhaseTiming> Timings)
    {
        public double Phase(string name) => Timings.Single(t => t.Phase == name).Duration.TotalSeconds;
    }
}
