namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Reported after every optimiser step; <see cref="Elapsed"/> covers the <see cref="StepsThisRun"/> steps of this run
/// (fewer than <see cref="Step"/> after a resume); <see cref="LearningRate"/> is the one that step used;
/// <see cref="Checkpoint"/> is set when that step wrote one.
/// </summary>
public sealed record TrainingProgress(int Step, int TotalSteps, int StepsThisRun, float Loss, double LearningRate, TimeSpan Elapsed, string? Checkpoint)
{
    public TimeSpan EstimatedRemaining => Elapsed / StepsThisRun * (TotalSteps - Step);
}
