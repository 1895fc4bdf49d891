using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;
using QwenLayered.Server.Tests.Cli;
using QwenLayered.Server.Tests.Serving;
using TorchSharp;

namespace QwenLayered.Server.Tests.Jobs;

public class DecompositionRunnerTests(NaNModelFolder damaged, TinyModelFolder tiny, FixtureModelFolder fixture)
    : IClassFixture<NaNModelFolder>, IClassFixture<FixtureModelFolder>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Run_SixteenBitRequest_StartsWithTheCanvasAndSendsPlaced16BitLayers(bool fullResolution)
    {
        using var model = new ResidentModel(LayeredModel.Load(fixture.Folder, torch.ScalarType.Float32, torch.CPU), "fp32", "cpu");
        var image = new InputImage(TestImages.Png(96, 72, SixLabors.ImageSharp.Formats.Png.PngColorType.RgbWithAlpha, SixLabors.ImageSharp.Formats.Png.PngBitDepth.Bit16),
            new ImageHeader("PNG", 96, 72, 16));
        var size = WorkingSize.ForArea(96, 72, 64 * 64, model.Model.VaeScaleFactor);
        using var job = new Job("job-1", "artist", "", new DecompositionRequest(image, size, "a grey square",
            new DecompositionSettings { Layers = 2, Steps = 1, SixteenBit = true, FullResolution = fullResolution }) { NegativePrompt = null });

        new DecompositionRunner(new ServerMetrics(), NullLogger<DecompositionRunner>.Instance).Run(job, model);

        var events = job.Log.Replay();
        var started = Assert.Single(events.OfType<JobStarted>());
        Assert.Equal(fullResolution ? (96, 72) : (size.OutputWidth, size.OutputHeight), (started.Width, started.Height));
        var layers = events.OfType<JobLayer>().ToList();
        Assert.Equal(2, layers.Count);
        Assert.All(layers, layer =>
        {
            var png = ImageDecoder.Decode(layer.Png.Span, long.MaxValue, long.MaxValue);
            Assert.Equal((16, 1, layer.Width, layer.Height), (layer.BitsPerChannel, layer.ChunkCount, png.Width, png.Height));
            Assert.NotNull(png.Pixels16);
            Assert.True(layer.X >= 0 && layer.Y >= 0 && layer.X + layer.Width <= started.Width && layer.Y + layer.Height <= started.Height);
        });
    }

    [Fact]
    public void Run_WithAStepCache_LogsHowManyStepsItSkipped()
    {
        using var model = new ResidentModel(LayeredModel.Load(tiny.Path, torch.ScalarType.Float32, torch.CPU), "fp32", "cpu");
        var image = new InputImage(TestImages.Png(64, 64), new ImageHeader("PNG", 64, 64, 8));
        using var job = new Job("job-1", "artist", "", new DecompositionRequest(image, WorkingSize.ForArea(64, 64, 64 * 64, model.Model.VaeScaleFactor),
            "a grey square", new DecompositionSettings { Layers = 1, Steps = 3, StepCacheThreshold = 1e6f }) { NegativePrompt = null });
        var logger = new ListLogger<DecompositionRunner>();

        string outcome = new DecompositionRunner(new ServerMetrics(), logger).Run(job, model);

        Assert.Equal("completed", outcome);
        Assert.Contains(logger.Lines, line => line.Message == "Job job-1 of artist: the step cache (threshold 1000000) skipped the transformer blocks after the first in 1 of 3 steps");
    }

    [Fact]
    public void Run_ModelComputingNaN_FailsTheJobSayingSoWithoutALayer()
    {
        using var model = new ResidentModel(LayeredModel.Load(damaged.Path, torch.ScalarType.Float32, torch.CPU), "fp32", "cpu");
        var image = new InputImage(TestImages.Png(64, 64), new ImageHeader("PNG", 64, 64, 8));
        using var job = new Job("job-1", "artist", "", new DecompositionRequest(image, WorkingSize.ForArea(64, 64, 64 * 64, model.Model.VaeScaleFactor),
            "a grey square", new DecompositionSettings { Layers = 2, Steps = 2 }) { NegativePrompt = null });

        string outcome = new DecompositionRunner(new ServerMetrics(), NullLogger<DecompositionRunner>.Instance).Run(job, model);

        var events = job.Log.Replay();
        Assert.Equal("failed", outcome);
        var failed = Assert.IsType<JobFailed>(events[^1]);
        Assert.Equal(JobFailure.Internal, failed.Failure);
        Assert.StartsWith("Sampling produced NaN or infinite values (Float32 on cpu)", failed.Message);
        Assert.EndsWith("Ask the server's operator to run the model in fp32 (Engine:Dtype) or check its weights (job job-1).", failed.Message);
        Assert.DoesNotContain(events, e => e is JobLayer);
    }

    [Fact]
    public async Task Run_JobEnding_IsCountedInTheMetricsBeforeItsOutcomeIsPublished()
    {
        using var model = new ResidentModel(LayeredModel.Load(damaged.Path, torch.ScalarType.Float32, torch.CPU), "fp32", "cpu");
        var image = new InputImage(TestImages.Png(64, 64), new ImageHeader("PNG", 64, 64, 8));
        using var job = new Job("job-1", "artist", "", new DecompositionRequest(image, WorkingSize.ForArea(64, 64, 64 * 64, model.Model.VaeScaleFactor),
            "a grey square", new DecompositionSettings { Layers = 1, Steps = 1 }) { NegativePrompt = null });
        var metrics = new ServerMetrics();
        // Whoever sees the outcome (an artist's stream, then a scrape of /metrics) must find the job counted.
        var countWhenPublished = Task.Run(async () =>
        {
            await foreach (var update in job.Log.Follow(0, TestContext.Current.CancellationToken))
                if (update.IsOutcome) return metrics.Jobs.WithLabels("failed").Value;
            return -1;
        }, TestContext.Current.CancellationToken);

        new DecompositionRunner(metrics, NullLogger<DecompositionRunner>.Instance).Run(job, model);

        Assert.Equal(1, await countWhenPublished);
    }
}
