namespace QwenLayered.Server.Jobs;

/// <summary>What the scheduler answers instead of doing what it was asked; the message is for the artist.</summary>
public abstract class JobSchedulingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A submit the scheduler did not queue; <see cref="Reason"/> says why.</summary>
public sealed class JobRefusedException(RefusalReason reason, string message) : JobSchedulingException(message)
{
    public RefusalReason Reason { get; } = reason;
}

public enum RefusalReason
{
    /// <summary>The server is shutting down; it takes jobs again once it is back.</summary>
    ShuttingDown,
    /// <summary>The whole queue is full.</summary>
    QueueFull,
    /// <summary>The artist already has their share of the queue waiting.</summary>
    ShareFull,
}

/// <summary>No such job: never submitted here, or its result has expired or could not be read.</summary>
public sealed class JobNotFoundException(string jobId)
    : JobSchedulingException($"No job '{jobId}' is known to this server. Check the job id, or submit the image again.")
{
    public string JobId { get; } = jobId;
}

/// <summary>The job belongs to another artist, and the caller is no administrator.</summary>
public sealed class JobNotYoursException(string jobId)
    : JobSchedulingException($"Job '{jobId}' belongs to another artist; only its owner or an administrator may attach to or cancel it.")
{
    public string JobId { get; } = jobId;
}

/// <summary>A stored result whose events could not be read back to the end (a file damaged after it was found).</summary>
public sealed class ResultUnreadableException(string jobId, Exception inner)
    : JobSchedulingException($"The stored result of job '{jobId}' could not be read; submit the image again.", inner)
{
    public string JobId { get; } = jobId;
}

/// <summary>The job store shared by several servers cannot be reached now; the call may be tried again shortly.</summary>
public sealed class JobStoreUnavailableException(string message, Exception inner) : JobSchedulingException(message, inner);

/// <summary>
/// Events in the shared job store that this server cannot read: written by a server of another version (or damaged).
/// </summary>
public sealed class JobStoreFormatException(string jobId, ResultFormatException inner)
    : JobSchedulingException($"The events of job '{jobId}' in the servers' shared job store cannot be read by this server: {inner.Message}. " +
        "Every server on one Redis must run the same QwenLayered version; ask the administrator to update them alike.", inner)
{
    public string JobId { get; } = jobId;
}
