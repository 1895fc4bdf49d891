using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>One training run: which stage, from which model folder, for how long, and where checkpoints go.</summary>
public sealed record TrainingOptions
{
    public required TrainingStage Stage { get; init; }

    /// <summary>A complete model folder (diffusers layout) the run starts from: random weights or an earlier stage's result.</summary>
    public required string InitFolder { get; init; }

    /// <summary>Checkpoints are written here as <c>checkpoint-NNNNNN</c> model folders.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Total optimiser steps, counted across resumes.</summary>
    public int Steps { get; init; } = 100;

    public int BatchSize { get; init; } = 4;

    /// <summary>AdamW learning rate; 1e-3 collapses the VAE to one output image, 2e-4 trains both stages steadily.</summary>
    public double LearningRate { get; init; } = 2e-4;

    public double WeightDecay { get; init; } = 0.01;

    /// <summary>
    /// Over this many last steps the learning rate falls linearly to zero (0: constant), which settles the weights
    /// at the end of a run instead of leaving them wherever the last noisy step put them.
    /// </summary>
    public int DecaySteps { get; init; }

    /// <summary>
    /// The learning rate of <paramref name="step"/> (1-based): constant, then the final linear decay, which covers
    /// the whole run when <see cref="DecaySteps"/> is more than <see cref="Steps"/>.
    /// </summary>
    public double LearningRateAt(int step)
    {
        int decaySteps = Math.Min(DecaySteps, Steps);
        return step <= Steps - decaySteps ? LearningRate : LearningRate * (Steps - step + 1) / (decaySteps + 1);
    }

    /// <summary>
    /// The VAE and decoder stages: how much more each image's outermost rows and columns count in the reconstruction
    /// loss (corners the square), so the decoder learns its zero-padded edges and corners; 1 weighs every pixel alike.
    /// </summary>
    public float EdgeWeight { get; init; } = 1;

    /// <summary>The noise levels the transformer stage draws (default: where the model's scheduler samples).</summary>
    public NoiseLevels NoiseLevels { get; init; } = new();

    /// <summary>A checkpoint every this many steps, and always after the last.</summary>
    public int CheckpointEvery { get; init; } = 50;

    /// <summary>Seeds every random choice (batches, noise, timesteps) per step, so a resumed run continues identically.</summary>
    public int Seed { get; init; }

    /// <summary>Continue from the latest checkpoint of this stage in <see cref="OutputFolder"/>, if there is one.</summary>
    public bool Resume { get; init; }

    public Device Device { get; init; } = CPU;
}
