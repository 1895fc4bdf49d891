using System.Text.Json;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Toolbox.Benchmarks;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.Benchmarks;

public class BenchmarkRunnerTests
{
    // The JSON contract of `qwenlayered bench --json` (docs/benchmarks.md and bench/gpu.sh read these names).
    private static readonly string[] SchemaFields =
    [
        "schema", "model", "device", "device_name", "dtype", "width", "height", "layers", "steps", "guidance", "batch_guidance", "batch",
        "preview_every_steps", "parameters", "load_seconds", "warmup_seconds", "text_encoding_seconds", "text_encoding_cached_seconds",
        "vae_encode_seconds", "step_seconds_guided", "step_seconds_unguided", "sampling_seconds", "vae_decode_seconds_per_layer",
        "end_to_end_seconds", "seconds_per_job", "time_to_first_preview_seconds", "peak_host_rss_bytes", "peak_device_memory_bytes",
        "device_memory_baseline_bytes", "image_tokens_per_sequence", "text_tokens", "sequences_per_step", "tokens_per_step", "machine",
        "measured_at",
    ];

    [Fact]
    public void Run_TinyRandomModelOnCpu_ReportsEveryFieldOfTheJsonSchema()
    {
        var options = new BenchmarkOptions
        {
            TokenizerFolder = Repository.Tokenizer, Device = torch.CPU, Resolution = 64, Layers = 2, Steps = 3,
            Batch = 2, PreviewEverySteps = 2, OtherGuidanceSteps = 1, WarmUp = false,
        };

        var report = BenchmarkRunner.Run(options, TextWriter.Null);
        using var json = JsonDocument.Parse(report.ToJson());

        Assert.Equal(SchemaFields.Order(), json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("qwenlayered-bench/1", report.Schema);
        Assert.Equal((64, 64, 2, 4), (report.Width, report.Height, report.Batch, report.SequencesPerStep));
        Assert.Equal(4L * 4 * 4, report.ImageTokensPerSequence);
        Assert.Equal(4 * (report.ImageTokensPerSequence + report.TextTokens), report.TokensPerStep);
        Assert.All(new double?[] { report.LoadSeconds, report.VaeEncodeSeconds, report.StepSecondsGuided, report.StepSecondsUnguided,
            report.VaeDecodeSecondsPerLayer, report.EndToEndSeconds, report.TimeToFirstPreviewSeconds }, s => Assert.True(s > 0));
        Assert.True(report.PeakHostRssBytes > 0);
        Assert.Null(report.PeakDeviceMemoryBytes);
        Assert.Contains("tokens per step", report.ToTable());
    }

    [Fact]
    public void Run_ModelFolderAndNoResolution_MeasuresAtTheModelsOwnResolution()
    {
        using var folder = new TempFolder();
        RandomModelFolder.Write(folder.Path, RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null }, seed: 1);
        File.WriteAllText(Path.Combine(folder.Path, ModelProfile.FileName), """{ "resolutions": [32, 64] }""");
        var options = new BenchmarkOptions
        {
            ModelFolder = folder.Path, Device = torch.CPU, Layers = 1, Steps = 1, Guidance = false, PreviewEverySteps = 0,
            OtherGuidanceSteps = 0, WarmUp = false,
        };

        var report = BenchmarkRunner.Run(options, TextWriter.Null);

        Assert.Equal((32, 32), (report.Width, report.Height));
    }

    [Fact]
    public void Validate_RandomWeightsWithoutTokenizer_AsksForOne()
    {
        var options = new BenchmarkOptions { Device = torch.CPU };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("--tokenizer", error.Message);
    }
}
