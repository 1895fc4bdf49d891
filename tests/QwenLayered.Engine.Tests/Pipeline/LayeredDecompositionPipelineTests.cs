using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Transformer;
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
    public void Run_StepCacheThatNeverReuses_GivesExactlyTheUncachedLatents()
    {
        var settings = new DecompositionSettings { Layers = 2, Steps = 4, Seed = 6, GuidanceScale = 4f };
        using var pipeline = ObservedPipeline();
        var uncached = new StepLatents(3);
        var cached = new StepLatents(3);

        Observe(pipeline, uncached).Run(Input(settings), cancellation: TestContext.Current.CancellationToken);
        // Above 0, so the cache keeps residuals and compares, but no real step's first block changes that little.
        var result = Observe(pipeline, cached).Run(Input(settings with { StepCacheThreshold = 1e-30f }), cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(0, result.CachedSteps);
        Assert.Equal(uncached.ToArray(), cached.ToArray());
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void Run_StepCacheWithAHighThreshold_RunsTheLaterBlocksOnlyOnTheFirstSteps(bool batchGuidance, int callsPerStep)
    {
        var settings = new DecompositionSettings { Layers = 2, Steps = 6, Seed = 6, GuidanceScale = 4f, BatchGuidance = batchGuidance, StepCacheThreshold = 1e6f };
        using var pipeline = ObservedPipeline();
        using var calls = new BlockCalls(pipeline);

        var result = pipeline.Run(Input(settings), cancellation: TestContext.Current.CancellationToken);

        int fullSteps = DecompositionPolicy.StepCacheFullSteps;
        Assert.Equal(6 * callsPerStep, calls.First);
        // Every guidance branch of a step skips, or none does.
        Assert.Equal(fullSteps * callsPerStep, calls.Second);
        Assert.Equal(6 - fullSteps, result.CachedSteps);
        Assert.Equal(2, result.Layers.Count);
    }

    [Fact]
    public void Run_StepCacheOnlyOverTheFirstSteps_RunsEveryBlock()
    {
        var settings = new DecompositionSettings { Layers = 1, Steps = DecompositionPolicy.StepCacheFullSteps, StepCacheThreshold = 1e6f };
        using var pipeline = ObservedPipeline();
        using var calls = new BlockCalls(pipeline);

        var result = pipeline.Run(Input(settings), cancellation: TestContext.Current.CancellationToken);

        Assert.Equal((settings.Steps, 0), (calls.Second, result.CachedSteps));
    }

    [Fact]
    public void Run_StepCacheCancelledDuringACachedStep_StopsBeforeTheNextStep()
    {
        using var cancel = new CancellationTokenSource();
        int steps = 0;
        int cancelAfter = DecompositionPolicy.StepCacheFullSteps + 1;

        Assert.Throws<OperationCanceledException>(() => Run(Input(new DecompositionSettings { Steps = 10, StepCacheThreshold = 1e6f }),
            e => { if (e is SamplingProgress && ++steps == cancelAfter) cancel.Cancel(); }, cancellation: cancel.Token));

        Assert.Equal(cancelAfter, steps);
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

    /// <summary>How often the transformer's first and second blocks ran while it was attached.</summary>
    private sealed class BlockCalls : IDisposable
    {
        private readonly List<Action> _removals = [];

        public BlockCalls(LayeredDecompositionPipeline pipeline)
        {
            foreach (var (name, module) in pipeline.Transformer.named_modules())
            {
                if (module is not QwenImageTransformerBlock block) continue;
                if (name == "transformer_blocks.0") _removals.Add(block.register_forward_hook((_, _, _, _, _, _, output) => { First++; return output; }).remove);
                if (name == "transformer_blocks.1") _removals.Add(block.register_forward_hook((_, _, _, _, _, _, output) => { Second++; return output; }).remove);
            }
        }

        public int First { get; private set; }

        public int Second { get; private set; }

        public void Dispose() => _removals.ForEach(remove => remove());
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
