using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.RandomModels;
using QwenLayered.Toolbox.Training;
using QwenLayered.Toolbox.Training.Data;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.Training;

public class TrainerTests(TinyModel tiny)
{
    private static readonly IReadOnlyList<LayeredScene> Scenes = SceneGenerator.Generate(seed: 1, count: 6, 32, 32);

    private TrainingOptions Options(TrainingStage stage, string output, int steps) => new()
    {
        Stage = stage, InitFolder = tiny.Folder, OutputFolder = output, Steps = steps, BatchSize = 2,
        LearningRate = 3e-3, CheckpointEvery = 100, Seed = 9,
    };

    private static List<float> Train(TrainingOptions options)
    {
        var losses = new List<float>();
        Trainer.Run(options, Scenes, p => losses.Add(p.Loss), TestContext.Current.CancellationToken);
        return losses;
    }

    [Theory]
    [InlineData(TrainingStage.Vae)]
    [InlineData(TrainingStage.Transformer)]
    [InlineData(TrainingStage.Decoder)]
    public void Run_EachStep_MakesEveryTensorInsideADisposeScope(TrainingStage stage)
    {
        // A tensor outside a scope lives until its finalizer, which may run while libtorch still reads it.
        using var output = new TempFolder();
        var createdOutside = new List<long>();

        Trainer.Run(Options(stage, output.Path, steps: 4), Scenes,
            _ => createdOutside.Add(DisposeScopeManager.Statistics.CreatedOutsideScopeCount), TestContext.Current.CancellationToken);

        Assert.Single(createdOutside.Distinct());
    }

    [Theory]
    [InlineData(TrainingStage.Vae, false)]
    [InlineData(TrainingStage.Transformer, false)]
    [InlineData(TrainingStage.Transformer, true)]
    [InlineData(TrainingStage.Decoder, false)]
    public void Run_FewSteps_LossGoesDown(TrainingStage stage, bool fromTrainingStart)
    {
        using var output = new TempFolder();
        using var start = new TempFolder();
        if (fromTrainingStart)
            RandomModelFolder.Write(start.Path, RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null }, seed: 7, forTraining: true);

        var losses = Train(Options(stage, output.Path, steps: 12) with { InitFolder = fromTrainingStart ? start.Path : tiny.Folder });

        Assert.Equal(12, losses.Count);
        Assert.True(losses.TakeLast(3).Average() < losses.Take(3).Average(), $"Losses did not fall: {string.Join(", ", losses)}");
    }

    [Fact]
    public void Run_DecoderStage_ChangesTheDecoderAloneAndKeepsTheLatentStatistics()
    {
        using var output = new TempFolder();

        string checkpoint = Trainer.Run(Options(TrainingStage.Decoder, output.Path, steps: 2), Scenes,
            cancellation: TestContext.Current.CancellationToken);

        using var before = SafetensorsFile.Open(Path.Combine(tiny.Folder, "vae", "diffusion_pytorch_model.safetensors"));
        using var after = SafetensorsFile.Open(Path.Combine(checkpoint, "vae", "diffusion_pytorch_model.safetensors"));
        bool Unchanged(string name)
        {
            using var old = before.Read(name, torch.ScalarType.Float32, torch.CPU);
            using var trained = after.Read(name, torch.ScalarType.Float32, torch.CPU);
            return old.allclose(trained, rtol: 0, atol: 0);
        }
        var names = before.Tensors.Keys.ToList();
        Assert.All(names.Where(n => n.StartsWith("encoder.") || n.StartsWith("quant_conv.")), n => Assert.True(Unchanged(n), n));
        Assert.Contains(names.Where(n => n.StartsWith("decoder.")), n => !Unchanged(n));
        var (initial, trained) = (VaeConfig(tiny.Folder), VaeConfig(checkpoint));
        Assert.Equal(initial.LatentsMean, trained.LatentsMean);
        Assert.Equal(initial.LatentsStd, trained.LatentsStd);
    }

    private static AutoencoderKLQwenImageConfig VaeConfig(string modelFolder) =>
        ConfigFile.Read<AutoencoderKLQwenImageConfig>(Path.Combine(modelFolder, "vae", "config.json"));

    [Fact]
    public void Run_Resumed_ContinuesExactlyAsAnUninterruptedRun()
    {
        using var straight = new TempFolder();
        using var interrupted = new TempFolder();
        var uninterrupted = Train(Options(TrainingStage.Vae, straight.Path, steps: 4));

        var firstHalf = Train(Options(TrainingStage.Vae, interrupted.Path, steps: 2));
        var secondHalf = Train(Options(TrainingStage.Vae, interrupted.Path, steps: 4) with { Resume = true });

        Assert.Equal(uninterrupted, [.. firstHalf, .. secondHalf]);
    }

    [Fact]
    public void Run_LossTurnsNonFinite_StopsAtThatStepKeepingEarlierCheckpoints()
    {
        using var output = new TempFolder();
        Train(Options(TrainingStage.Vae, output.Path, steps: 2) with { CheckpointEvery = 1 });
        var reported = new List<TrainingProgress>();

        // At this rate step 3 (its loss and gradients still finite) makes weights of about 1e30, which overflow in
        // step 4's forward.
        var error = Assert.Throws<NonFiniteValuesException>(() => Trainer.Run(
            Options(TrainingStage.Vae, output.Path, steps: 6) with { LearningRate = 1e30, CheckpointEvery = 5, Resume = true },
            Scenes, reported.Add, TestContext.Current.CancellationToken));

        Assert.Equal([3], reported.Select(p => p.Step));
        Assert.StartsWith("The vae stage diverged at step 4 (learning rate 1.0e+30): its loss became NaN or infinite.", error.Message);
        Assert.EndsWith($"The last good checkpoint is {Path.Combine(output.Path, "checkpoint-000002")}.", error.Message);
        Assert.Equal(["checkpoint-000001", "checkpoint-000002"], Directory.GetDirectories(output.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(TrainingStage.Vae)]
    [InlineData(TrainingStage.Transformer)]
    public void Run_UpdateThatOverflowsNextStep_WritesNoCheckpoint(TrainingStage stage)
    {
        using var output = new TempFolder();

        var error = Assert.Throws<NonFiniteValuesException>(() => Train(Options(stage, output.Path, steps: 1) with { LearningRate = 1e30 }));

        Assert.StartsWith($"The {stage.ToString().ToLowerInvariant()} stage diverged at step 1 (learning rate 1.0e+30): its updated weights " +
                          "compute NaN or infinite values.", error.Message);
        Assert.EndsWith("No checkpoint had been written yet.", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output.Path));
    }

    [Fact]
    public void Run_WithDecay_OptimiserStepsAtTheFallingRate()
    {
        using var constantFolder = new TempFolder();
        using var decayingFolder = new TempFolder();
        var constant = new List<TrainingProgress>();
        var decaying = new List<TrainingProgress>();

        Trainer.Run(Options(TrainingStage.Vae, constantFolder.Path, steps: 3), Scenes, constant.Add, TestContext.Current.CancellationToken);
        Trainer.Run(Options(TrainingStage.Vae, decayingFolder.Path, steps: 3) with { DecaySteps = 3 }, Scenes, decaying.Add,
            TestContext.Current.CancellationToken);

        Assert.Equal([3e-3, 3e-3, 3e-3], constant.Select(p => p.LearningRate));
        Assert.Equal([3e-3 * 3 / 4, 3e-3 * 2 / 4, 3e-3 * 1 / 4], decaying.Select(p => p.LearningRate), (a, b) => Math.Abs(a - b) < 1e-12);
        // The first loss comes before any update; the second differs only if the smaller rate reached the optimiser.
        Assert.Equal(constant[0].Loss, decaying[0].Loss);
        Assert.NotEqual(constant[1].Loss, decaying[1].Loss);
    }

    [Fact]
    public void Run_TransformerStageWithNoiseLevels_TrainsAtThoseLevels()
    {
        using var defaultFolder = new TempFolder();
        using var noisyFolder = new TempFolder();

        var atScheduler = Train(Options(TrainingStage.Transformer, defaultFolder.Path, steps: 1));
        var nearPureNoise = Train(Options(TrainingStage.Transformer, noisyFolder.Path, steps: 1) with { NoiseLevels = new NoiseLevels(Min: 0.99f) });

        // Same weights, batch and noise; only σ differs, so the first loss differs only if the levels reached the objective.
        Assert.NotEqual(atScheduler[0], nearPureNoise[0]);
    }

    [Theory]
    [InlineData(TrainingStage.Vae)]
    [InlineData(TrainingStage.Decoder)]
    public void Run_ReconstructionStageWithEdgeWeight_WeighsTheImageEdges(TrainingStage stage)
    {
        using var evenFolder = new TempFolder();
        using var edgesFolder = new TempFolder();

        var even = Train(Options(stage, evenFolder.Path, steps: 1));
        var edges = Train(Options(stage, edgesFolder.Path, steps: 1) with { EdgeWeight = 8 });

        // Same weights and batch; the first loss differs only if the weighting reached the objective.
        Assert.NotEqual(even[0], edges[0]);
    }

    [Fact]
    public void Run_TransformerStage_CheckpointLoadsAndDecomposes()
    {
        using var output = new TempFolder();

        string checkpoint = Trainer.Run(Options(TrainingStage.Transformer, output.Path, steps: 2), Scenes,
            cancellation: TestContext.Current.CancellationToken);
        using var model = LayeredModel.Load(checkpoint, torch.ScalarType.Float32, torch.CPU);
        var image = new RgbaImage(32, 32, Scenes[0].Composite);
        var result = model.Decompose(new DecompositionRequest(image, WorkingSize.ForArea(32, 32, 32 * 32, model.VaeScaleFactor), "shapes",
            new DecompositionSettings { Layers = 2, Steps = 2, GuidanceScale = 1 }), cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(Path.Combine(output.Path, "checkpoint-000002"), checkpoint);
        Assert.Equal(2, result.Layers.Count);
        Assert.Equal((32, 32), (result.Width, result.Height));
    }
}
