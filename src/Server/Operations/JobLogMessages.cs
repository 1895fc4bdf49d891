namespace QwenLayered.Server.Operations;

/// <summary>Structured log lines of the job lifecycle; every one names the job and its artist.</summary>
public static partial class JobLogMessages
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist} accepted at queue position {Position}")]
    public static partial void Accepted(ILogger logger, string jobId, string artist, int position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job of {Artist} refused: the queue is full with {Waiting} jobs")]
    public static partial void Refused(ILogger logger, string artist, int waiting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job of {Artist} refused: {Waiting} of theirs are waiting, their whole share of the queue")]
    public static partial void RefusedShareFull(ILogger logger, string artist, int waiting);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist} started on {Device}: {Layers} layers, {Steps} steps, {Width}x{Height}, seed {Seed}")]
    public static partial void Started(ILogger logger, string jobId, string artist, string device, int layers, int steps, int width, int height, ulong seed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist} completed in {Seconds:F2} s")]
    public static partial void Completed(ILogger logger, string jobId, string artist, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist}: the step cache (threshold {Threshold}) skipped the transformer blocks after the first in {CachedSteps} of {Steps} steps")]
    public static partial void StepCacheUsed(ILogger logger, string jobId, string artist, float threshold, int cachedSteps, int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist} cancelled: {Reason}")]
    public static partial void Cancelled(ILogger logger, string jobId, string artist, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of {Artist} failed: its input could not be decoded: {Reason}")]
    public static partial void InputUndecodable(ILogger logger, string jobId, string artist, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} of {Artist} failed")]
    public static partial void Failed(ILogger logger, string jobId, string artist, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Result of job {JobId} of {Artist} could not be saved; Attach will not find it after it leaves memory")]
    public static partial void NotSaved(ILogger logger, string jobId, string artist, Exception error);
}
