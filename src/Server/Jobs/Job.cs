using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Server.Jobs;

/// <summary>One artist's decomposition while it is queued or running; its events are in <see cref="Log"/>.</summary>
/// <param name="submittedAt">When it was submitted; now when not given (a job taken from the shared store says its own).</param>
public sealed class Job(string id, string owner, string clientRequestId, DecompositionRequest spec, DateTime? submittedAt = null) : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();

    public string Id { get; } = id;
    public string Owner { get; } = owner;
    public string ClientRequestId { get; } = clientRequestId;
    public DecompositionRequest Spec { get; } = spec;
    public JobEventLog Log { get; } = new(id);
    public DateTime SubmittedAt { get; } = submittedAt ?? DateTime.UtcNow;

    /// <summary>Fires when the job is cancelled; the sampling loop checks it before every step.</summary>
    public CancellationToken Cancellation => _cancellation.Token;

    /// <summary>Why the job was cancelled, for the Cancelled event; the first reason wins.</summary>
    public string? CancelReason { get; private set; }

    /// <summary>The queue position last sent to the artist (owned by the scheduler).</summary>
    public int ReportedPosition { get; set; } = -1;

    public void Cancel(string reason, TimeSpan delay = default)
    {
        CancelReason ??= reason;
        if (delay > TimeSpan.Zero) _cancellation.CancelAfter(delay);
        else _cancellation.Cancel();
    }

    public JobUpdate Cancelled() => Log.Append(new JobCancelled(CancelReason ?? "Cancelled."));

    public void Dispose() => _cancellation.Dispose();
}
