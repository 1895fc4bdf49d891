using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Evaluation;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayeredDecompositionPipelineTests(TinyModel model)
{
    private static RgbaImage Gradient(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 4;
                (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = ((byte)(x * 4), (byte)(y * 4), 128, 255);
            }
        return new RgbaImage(width, height, pixels);
    }

    private DecompositionInput Input(DecompositionSettings settings, int width = 64, int height = 64) =>
        new(Gradient(width, height), WorkingSize.ForArea(width, height, 64 * 64, model.Pipeline.Vae.Config.SpatialCompression), model.Prompts.Encode("a gradient"), settings)
        {
            NegativePrompt = model.Prompts.Encode(PromptTemplate.DefaultNegativePrompt),
        };

    [Fact]
    public void Run_WithPreviews_ReportsEachStepInOrderThenEveryLayerBottomToTop()
    {
        var events = new List<DecompositionEvent>();

        var result = Run(Input(new DecompositionSettings { Layers = 3, Steps = 4, PreviewEverySteps = 2, Seed = 1 }), events.Add);

        var progress = events.OfType<SamplingProgress>().ToList();
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.Step));
        Assert.All(progress, p => Assert.Equal(4, p.TotalSteps));
        Assert.Equal(TimeSpan.Zero, progress[^1].EstimatedRemaining);
        Assert.Equal([2, 2, 2, 4, 4, 4], events.OfType<LayerPreview>().Select(p => p.Step));
        var layers = events.OfType<DecodedLayer>().ToList();
        Assert.Equal([0, 1, 2], layers.Select(l => l.Index));
        Assert.IsType<DecodedLayer>(events[^1]);
        Assert.Equal(layers, result.Layers);
        Assert.All(layers, l => Assert.True(l.X + l.Width <= 64 && l.Y + l.Height <= 64 && l.Rgba8.Length == l.Width * l.Height * 4));
        Assert.Equal(["vae_encode", "sampling", "vae_decode", "total"], result.Timings.Select(t => t.Phase));
    }

    [Fact]
    public void Run_PreviewMaxEdge_ShrinksPreviewsToThatEdge()
    {
        var previews = new List<LayerPreview>();

        var input = Input(new DecompositionSettings { Layers = 2, Steps = 1, PreviewEverySteps = 1, PreviewMaxEdge = 32 }, 128, 64)
            with { Size = WorkingSize.ForArea(128, 64, 128 * 64, model.Pipeline.Vae.Config.SpatialCompression) };

        Run(input, e => { if (e is LayerPreview p) previews.Add(p); });

        Assert.Equal(2, previews.Count);
        Assert.All(previews, p => Assert.Equal((32, 16, 32 * 16 * 4), (p.Width, p.Height, p.Rgba.Length)));
    }

    [Fact]
    public void Run_CancelledDuringAStep_StopsBeforeTheNextStep()
    {
        using var cancel = new CancellationTokenSource();
        int steps = 0;

        Assert.Throws<OperationCanceledException>(() => Run(Input(new DecompositionSettings { Steps = 10 }),
            e => { if (e is SamplingProgress) { steps++; cancel.Cancel(); } }, cancellation: cancel.Token));

        Assert.Equal(1, steps);
    }

    [Fact]
    public void Run_SameSeed_GivesIdenticalLayers_AndAnotherSeedDifferentOnes()
    {
        var settings = new DecompositionSettings { Layers = 2, Steps = 2, Seed = 42 };

        var first = Run(Input(settings));
        var again = Run(Input(settings));
        var other = Run(Input(settings with { Seed = 43 }));

        Assert.Equal(first.Layers.Select(l => l.Rgba8), again.Layers.Select(l => l.Rgba8));
        Assert.NotEqual(first.Layers[0].Rgba8, other.Layers[0].Rgba8);
    }

    [Fact]
    public void Run_WithGuidanceAndPreviews_MakesEveryTensorInsideADisposeScope()
    {
        // A tensor outside a scope lives until its finalizer, which may run while libtorch still reads it.
        var input = Input(new DecompositionSettings { Layers = 2, Steps = 2, Seed = 3, GuidanceScale = 4f, PreviewEverySteps = 1 });
        var statistics = TorchSharp.DisposeScopeManager.Statistics;
        long createdOutside = statistics.CreatedOutsideScopeCount;

        Run(input, onEvent: _ => { });

        Assert.Equal(createdOutside, statistics.CreatedOutsideScopeCount);
    }

    [Fact]
    public void Run_BatchedGuidance_MatchesTwoSeparateCalls()
    {
        var settings = new DecompositionSettings { Layers = 2, Steps = 2, Seed = 5, GuidanceScale = 4f };
        using var pipeline = ObservedPipeline();
        var batched = new StepLatents(1);
        var separate = new StepLatents(1);

        Observe(pipeline, batched).Run(Input(settings), cancellation: TestContext.Current.CancellationToken);
        Observe(pipeline, separate).Run(Input(settings with { BatchGuidance = false }), cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(batched.Count, separate.Count);
        Assert.All(batched.Zip(separate), pair => Assert.Equal(pair.First, pair.Second, 1e-5f));
    }

    [Fact]
    public void RunBatch_TwoJobsWithOtherPromptsAndSeeds_EqualsTwoSeparateRuns()
    {
        var settings = new DecompositionSettings { Layers = 2, Steps = 2, PreviewEverySteps = 2 };
        // Prompts of different lengths, so the batch pads and masks the shorter one.
        var first = Input(settings with { Seed = 3 });
        var second = Input(settings with { Seed = 4 }) with { Prompt = model.Prompts.Encode("a much longer description of a soft gradient from red to green") };
        using var pipeline = ObservedPipeline();
        var batched = new StepLatents(1);
        var separate = new StepLatents(1);
        var previews = new List<(int Job, LayerPreview Preview)>();

        var results = Observe(pipeline, batched).RunBatch([first, second], (job, e) => { if (e is LayerPreview p) previews.Add((job, p)); },
            TestContext.Current.CancellationToken);
        var alone = new[] { first, second }.Select(input => Observe(pipeline, separate).Run(input, cancellation: TestContext.Current.CancellationToken)).ToList();

        Assert.Equal(batched.Count, separate.Count);
        Assert.All(batched.Zip(separate), pair => Assert.Equal(pair.Second, pair.First, 1e-4f));
        Assert.All(results.Zip(alone), pair => Assert.All(pair.First.Layers.Zip(pair.Second.Layers),
            layers => Assert.True(layers.First.Rgba8.Zip(layers.Second.Rgba8).All(b => Math.Abs(b.First - b.Second) <= 1))));
        Assert.Equal([0, 0, 1, 1], previews.Select(p => p.Job));
    }

    [Fact]
    public void RunBatch_JobsWithDifferentSteps_SaysOnlyTheSeedMayDiffer()
    {
        var settings = new DecompositionSettings { Layers = 1, Steps = 1 };

        var error = Assert.Throws<ArgumentException>(() => model.Pipeline.RunBatch([Input(settings), Input(settings with { Steps = 2 })], cancellation: TestContext.Current.CancellationToken));

        Assert.Contains("only the seed may differ", error.Message);
    }

    [Fact]
    public void Run_WorkingSizeForAnotherVaeScale_SaysWhichScaleTheModelHas()
    {
        int scale = model.Pipeline.Vae.Config.SpatialCompression;
        var input = Input(new DecompositionSettings { Layers = 1, Steps = 1 }) with { Size = WorkingSize.ForArea(64, 64, 64 * 64, scale / 2) };

        var error = Assert.Throws<ArgumentException>(() => model.Pipeline.Run(input, cancellation: TestContext.Current.CancellationToken));

        Assert.Contains($"this model's VAE has {scale}", error.Message);
    }

    [Fact]
    public void Run_InputLargerThanTheWorkingSizeAskedAtTheWorkingSize_IsResizedAndLayersHaveItsAspectRatio()
    {
        var input = Input(new DecompositionSettings { Layers = 1, Steps = 1, FullResolution = false }, 200, 100) with
        {
            Size = WorkingSize.ForArea(200, 100, 64 * 64, model.Pipeline.Vae.Config.SpatialCompression),
        };

        var result = Run(input);

        // It works at 96x32 (3:1 after rounding) and answers at 78x39, that area at the input's 2:1.
        Assert.Equal((96, 32), (input.Size.Width, input.Size.Height));
        Assert.Equal((78, 39), (result.Width, result.Height));
        var layer = Assert.Single(result.Layers);
        Assert.True(layer.X + layer.Width <= 78 && layer.Y + layer.Height <= 39, $"The layer is {layer.Width}x{layer.Height} at ({layer.X}, {layer.Y}).");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_InputLargerThanTheWorkingSize_GivesLayersAtItsSizeThatStackBackToIt(bool sixteenBit)
    {
        var input = Input(new DecompositionSettings { Layers = 3, Steps = 1, SixteenBit = sixteenBit }, 200, 100) with
        {
            Size = WorkingSize.ForArea(200, 100, 64 * 64, model.Pipeline.Vae.Config.SpatialCompression),
        };

        var result = Run(input);

        Assert.Equal((200, 100), (result.Width, result.Height));
        Assert.All(result.Layers, l => Assert.True(l.X + l.Width <= 200 && l.Y + l.Height <= 100 && (l.Rgba16 is not null) == sixteenBit));
        var (psnr, maxError) = Restack.Compare(input.Image.Pixels, Restack.Over8(result.Layers, 200, 100), 255);
        Assert.True(psnr >= 50 && maxError <= 2, $"PSNR {psnr:F1} dB, largest error {maxError}/255.");
    }

    [Fact]
    public void Run_SuppliedNoiseOfTheWrongShape_SaysWhichShapeIsNeeded()
    {
        var input = Input(new DecompositionSettings { Layers = 2, Steps = 1 }) with { Noise = TorchSharp.torch.zeros(1, 5, 64) };

        var error = Assert.Throws<ArgumentException>(() => Run(input));
        Assert.Contains("[1, 48, 64]", error.Message);
    }

    [Theory]
    [InlineData("vae", "quant_conv.weight", "The VAE encoded the image to")]
    [InlineData("transformer", "proj_out.weight", "Sampling produced")]
    [InlineData("vae", "post_quant_conv.weight", "The VAE decoded layer 1 to")]
    public void Run_WeightHoldingNaN_FailsSayingWhereWithoutReportingALayer(string component, string weight, string where)
    {
        using var damaged = LayeredDecompositionPipeline.FromPretrained(ModelFolder.Open(model.Folder), torch.ScalarType.Float32, torch.CPU);
        var module = component == "vae" ? (torch.nn.Module)damaged.Vae : damaged.Transformer;
        using (torch.no_grad()) module.get_parameter(weight)!.fill_(Scalars.Kept(float.NaN));
        var events = new List<DecompositionEvent>();

        var error = Assert.Throws<NonFiniteValuesException>(() => damaged.Run(Input(new DecompositionSettings { Layers = 2, Steps = 2 }), events.Add,
            TestContext.Current.CancellationToken));

        Assert.StartsWith($"{where} NaN or infinite values (Float32 on cpu)", error.Message);
        Assert.Empty(events.OfType<DecodedLayer>());
    }

    private DecompositionResult Run(DecompositionInput input, Action<DecompositionEvent>? onEvent = null,
        CancellationToken? cancellation = null) =>
        model.Pipeline.Run(input, onEvent, cancellation ?? TestContext.Current.CancellationToken);

    // A pipeline of its own, so observing it does not touch the one the other tests share.
    private LayeredDecompositionPipeline ObservedPipeline() =>
        LayeredDecompositionPipeline.FromPretrained(ModelFolder.Open(model.Folder), torch.ScalarType.Float32, torch.CPU);

    private static LayeredDecompositionPipeline Observe(LayeredDecompositionPipeline pipeline, IDecompositionObserver observer)
    {
        pipeline.Observer = observer;
        return pipeline;
    }

    /// <summary>The latents one step led to, of every run it observes, in order.</summary>
    private sealed class StepLatents(int step) : List<float>, IDecompositionObserver
    {
        public void Stepped(int index, torch.Tensor velocity, torch.Tensor latents)
        {
            if (index == step) AddRange(latents.to(torch.ScalarType.Float32).data<float>().ToArray());
        }
    }
}
