namespace QwenLayered.Server.Jobs;

/// <summary>What became of a job offered to a <see cref="FairJobQueue{TJob}"/>.</summary>
public enum Admission
{
    Queued,
    /// <summary>The whole queue is full.</summary>
    QueueFull,
    /// <summary>The artist already has their share of the queue waiting.</summary>
    ShareFull,
}
