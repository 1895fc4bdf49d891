using TorchSharp.Modules;
using System.Diagnostics;
using QwenLayered.Engine.Training.Data;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Training;

/// <summary>
/// Trains one stage of the model the engine runs, with AdamW, on layered scenes: reports every step, writes a
/// checkpoint (a complete model folder) every <see cref="TrainingOptions.CheckpointEvery"/> steps and after the last,
/// and resumes from the latest checkpoint when asked. Each step's randomness comes from the seed and the step
/// number, so runs are reproducible and a resumed run matches an uninterrupted one.
/// </summary>
public static class Trainer
{
    /// <returns>The last checkpoint's folder.</returns>
    public static string Run(TrainingOptions options, IReadOnlyList<LayeredScene> scenes, Action<TrainingProgress>? onProgress = null,
        CancellationToken cancellation = default)
    {
        var resumed = options.Resume ? TrainingCheckpoint.Latest(options.OutputFolder, options.Stage) : null;
        string baseFolder = resumed?.Folder ?? options.InitFolder;
        int firstStep = (resumed?.State.Step ?? 0) + 1;
        string last = resumed?.Folder ?? baseFolder;

        using var objective = Create(options, baseFolder, scenes);
        using var optimizer = optim.AdamW(objective.Model.parameters().Where(p => p.requires_grad), options.LearningRate, weight_decay: options.WeightDecay);
        if (resumed is { } checkpoint) optimizer.load_state_dict(TrainingCheckpoint.OptimizerPath(checkpoint.Folder));

        var clock = Stopwatch.StartNew();
        for (int step = firstStep; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double learningRate = options.LearningRateAt(step);
            float loss = Step(objective, optimizer, learningRate, options.Seed, step);
            string? written = null;
            if (step % options.CheckpointEvery == 0 || step == options.Steps)
                last = written = TrainingCheckpoint.Write(options.OutputFolder, baseFolder, options.Stage, step, objective, optimizer);
            onProgress?.Invoke(new TrainingProgress(step, options.Steps, step - firstStep + 1, loss, learningRate, clock.Elapsed, written));
        }
        return last;
    }

    private static float Step(ITrainingObjective objective, OptimizerHelper optimizer, double learningRate, int seed, int step)
    {
        using var scope = NewDisposeScope();
        using var generator = StepRandomness.Torch(seed, step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        optimizer.zero_grad();
        var loss = objective.Loss(StepRandomness.Host(seed, step), generator);
        loss.backward();
        optimizer.step();
        return loss.item<float>();
    }

    private static ITrainingObjective Create(TrainingOptions options, string modelFolder, IReadOnlyList<LayeredScene> scenes) => options.Stage switch
    {
        TrainingStage.Vae => new VaeReconstruction(modelFolder, scenes, options.BatchSize, options.Device, options.EdgeWeight, decoderOnly: false),
        TrainingStage.Decoder => new VaeReconstruction(modelFolder, scenes, options.BatchSize, options.Device, options.EdgeWeight, decoderOnly: true),
        TrainingStage.Transformer => new FlowMatching(modelFolder, scenes, options.BatchSize, options.NoiseLevels, options.Device),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Stage, "Unknown training stage."),
    };
}
