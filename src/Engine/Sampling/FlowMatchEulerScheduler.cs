using TorchSharp;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Sampling;

/// <summary>
/// The flow-matching Euler sampler of Qwen-Image-Layered: a linear sigma grid from 1 towards 0, time-shifted
/// by μ, then one deterministic Euler step per model evaluation. Arithmetic is float32, as the reference's.
/// </summary>
internal sealed class FlowMatchEulerScheduler
{
    /// <summary>σ for each step, followed by the terminal 0 (length steps + 1).</summary>
    public float[] Sigmas { get; }

    /// <summary>The model timestep of each step, σ · num_train_timesteps (length steps).</summary>
    public float[] Timesteps { get; }

    private FlowMatchEulerScheduler(float[] sigmas, float[] timesteps) => (Sigmas, Timesteps) = (sigmas, timesteps);

    /// <summary>
    /// μ of the layered pipeline: the square root of the condition image's token count over 256 (the token count
    /// of a 256x256 image), so larger images spend more of the schedule at high noise.
    /// </summary>
    public static float Mu(int conditionTokens) => (float)Math.Sqrt(conditionTokens / 256.0);

    /// <summary>The schedule for <paramref name="steps"/> steps at shift μ (used when the config shifts dynamically).</summary>
    public static FlowMatchEulerScheduler Create(SchedulerConfig config, int steps, float mu)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "At least one sampling step is needed.");
        config.Validate();
        var grid = LinearGrid(steps);
        var sigmas = new float[steps + 1];
        var timesteps = new float[steps];
        for (int i = 0; i < steps; i++)
        {
            sigmas[i] = Shift(config, grid[i], mu);
            timesteps[i] = sigmas[i] * config.NumTrainTimesteps;
        }
        return new FlowMatchEulerScheduler(sigmas, timesteps);
    }

    /// <summary>The unshifted grid 1, 1 − 1/n, …, 1/n; built in float64 and stored as float32, as the reference does.</summary>
    public static float[] LinearGrid(int steps) => [.. Enumerable.Range(0, steps).Select(i => (float)(1.0 - (double)i / steps))];

    // Each branch in the reference's own arithmetic, so the sigmas match it bit for bit.
    private static float Shift(SchedulerConfig config, float sigma, float mu)
    {
        float scale = ShiftScale(config, mu);
        return config.UseDynamicShifting ? scale / (scale + (1f / sigma - 1f)) : scale * sigma / (1f + (scale - 1f) * sigma);
    }

    /// <summary>
    /// The factor s of the time shift σ ↦ s·σ / (1 + (s − 1)·σ) that every setting reduces to: the config's fixed
    /// shift, or μ itself (linear) or e^μ (exponential) when it shifts dynamically. Training draws its σ through the
    /// same shift unless told otherwise (see NoiseLevels).
    /// </summary>
    public static float ShiftScale(SchedulerConfig config, float mu) =>
        !config.UseDynamicShifting ? (float)config.Shift : config.TimeShiftType == "linear" ? mu : (float)Math.Exp(mu);

    /// <summary>
    /// One Euler step: x + (σ[i+1] − σ[i]) · u. As in the reference, the product stays in the output's dtype,
    /// the sum is float32, and the result returns to the output's dtype.
    /// </summary>
    public Tensor Step(Tensor modelOutput, int stepIndex, Tensor sample)
    {
        using var scope = NewDisposeScope();
        float dt = Sigmas[stepIndex + 1] - Sigmas[stepIndex];
        var next = sample.to(ScalarType.Float32).Plus(modelOutput * Kept(dt));
        return next.to(modelOutput.dtype).MoveToOuterDisposeScope();
    }
}
