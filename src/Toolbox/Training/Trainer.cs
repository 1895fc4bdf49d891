using System.Diagnostics;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Training.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Trains one stage of the model the engine runs, with AdamW, on layered scenes: reports every step, writes a
/// checkpoint (a complete model folder) every <see cref="TrainingOptions.CheckpointEvery"/> steps and after the last,
/// and resumes from the latest checkpoint when asked. Each step's randomness comes from the seed and the step
/// number, so runs are reproducible and a resumed run matches an uninterrupted one. A run stops with
/// <see cref="NonFiniteValuesException"/> at the first NaN or infinite loss or gradient, before that step is applied,
/// and before saving weights that compute such values, so every checkpoint it leaves computes finite ones.
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
        string? lastCheckpoint = resumed?.Folder;

        using var objective = Create(options, baseFolder, scenes);
        using var optimizer = optim.AdamW(objective.Model.parameters().Where(p => p.requires_grad), options.LearningRate, weight_decay: options.WeightDecay);
        if (resumed is { } checkpoint) optimizer.load_state_dict(TrainingCheckpoint.OptimizerPath(checkpoint.Folder));

        var clock = Stopwatch.StartNew();
        for (int step = firstStep; step <= options.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            double learningRate = options.LearningRateAt(step);
            var (loss, nonFinite) = Step(objective, optimizer, learningRate, options.Seed, step);
            if (nonFinite is not null) throw Diverged(options.Stage, step, learningRate, $"its {nonFinite} became NaN or infinite", lastCheckpoint);
            string? written = null;
            if (step % options.CheckpointEvery == 0 || step == options.Steps)
            {
                // A rate far too high turns finite gradients into weights that overflow in the next forward (or in the
                // VAE's latent statistics): saved only once the next step's loss, computed ahead, is finite.
                var config = ComputesFiniteLoss(objective, options.Seed, step + 1) ? objective.ConfigToSave() : null;
                if (config is null) throw Diverged(options.Stage, step, learningRate, "its updated weights compute NaN or infinite values", lastCheckpoint);
                lastCheckpoint = written = TrainingCheckpoint.Write(options.OutputFolder, baseFolder, options.Stage, step, objective, config, optimizer);
            }
            onProgress?.Invoke(new TrainingProgress(step, options.Steps, step - firstStep + 1, loss, learningRate, clock.Elapsed, written));
        }
        return lastCheckpoint ?? baseFolder;
    }

    // The step's loss, and what of it turned non-finite ("loss" or "gradients"), in which case the weights are left as
    // they were. The loss is read back for the progress line anyway; checking the gradients is one more pass over
    // them, lighter than the update's own.
    private static (float Loss, string? NonFinite) Step(ITrainingObjective objective, OptimizerHelper optimizer, double learningRate, int seed, int step)
    {
        using var scope = NewDisposeScope();
        using var generator = StepRandomness.Torch(seed, step);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
        optimizer.zero_grad();
        var loss = objective.Loss(StepRandomness.Host(seed, step), generator);
        loss.backward();
        float value = loss.item<float>();
        string? nonFinite = !float.IsFinite(value) ? "loss"
            : !FiniteValues.All(objective.Model.parameters().Select(p => p.grad).OfType<Tensor>()) ? "gradients"
            : null;
        if (nonFinite is null) optimizer.step();
        return (value, nonFinite);
    }

    // Pure: the step's randomness is drawn afresh from the seed, and nothing is updated.
    private static bool ComputesFiniteLoss(ITrainingObjective objective, int seed, int step)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = StepRandomness.Torch(seed, step);
        return float.IsFinite(objective.Loss(StepRandomness.Host(seed, step), generator).item<float>());
    }

    private static NonFiniteValuesException Diverged(TrainingStage stage, int step, double learningRate, string what, string? lastCheckpoint) =>
        new($"The {stage.ToString().ToLowerInvariant()} stage diverged at step {step} (learning rate {learningRate:0.0e+00}): {what}. " +
            "The run stopped there and saved nothing of that step. " +
            (lastCheckpoint is null ? "No checkpoint had been written yet." : $"The last good checkpoint is {lastCheckpoint}."));

    private static ITrainingObjective Create(TrainingOptions options, string modelFolder, IReadOnlyList<LayeredScene> scenes) => options.Stage switch
    {
        TrainingStage.Vae => new VaeReconstruction(modelFolder, scenes, options.BatchSize, options.Device, options.EdgeWeight, decoderOnly: false),
        TrainingStage.Decoder => new VaeReconstruction(modelFolder, scenes, options.BatchSize, options.Device, options.EdgeWeight, decoderOnly: true),
        TrainingStage.Transformer => new FlowMatching(modelFolder, scenes, options.BatchSize, options.NoiseLevels, options.Device),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Stage, "Unknown training stage."),
    };
}
