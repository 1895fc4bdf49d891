namespace QwenLayered.Server.Cluster;

/// <summary>Structured log lines of a server in a cluster.</summary>
internal static partial class ClusterLogMessages
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Sharing jobs with every server on Redis at {Address} as worker {Worker}")]
    public static partial void Joined(ILogger logger, string address, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its worker's lease ran out (the worker stopped or lost Redis); it is queued again")]
    public static partial void Requeued(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: this server no longer holds it (its lease ran out and it was queued again); this run stops")]
    public static partial void LeaseLost(ILogger logger, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared job store cannot be reached; retrying: {Reason}")]
    public static partial void StoreUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The shared job store can be reached again")]
    public static partial void StoreBack(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: its queued request cannot be read by this server ({Reason}); the job fails")]
    public static partial void SpecUnreadable(ILogger logger, string jobId, string reason);
}
