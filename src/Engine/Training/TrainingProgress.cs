namespace QwenLayered.Engine.Training;

/// <summary>Reported after every optimiser step; <see cref="Checkpoint"/> is set when that step wrote one.</summary>
public sealed record TrainingProgress(int Step, int TotalSteps, float Loss, TimeSpan Elapsed, string? Checkpoint);
