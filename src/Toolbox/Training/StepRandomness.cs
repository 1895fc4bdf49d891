using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// The random sources of one training step, derived from the run's seed and the step number alone, so a run resumed
/// from a checkpoint draws exactly what the uninterrupted run would have.
/// </summary>
internal static class StepRandomness
{
    public static int Seed(int runSeed, int step) => unchecked(runSeed * 1_000_003 + step);

    public static Random Host(int runSeed, int step) => new(Seed(runSeed, step));

    /// <summary>A CPU generator: tensors drawn from it are moved to the training device (see <see cref="Runtime.SeededRandom"/>).</summary>
    public static Generator Torch(int runSeed, int step) => new((ulong)(uint)Seed(runSeed, step));
}
