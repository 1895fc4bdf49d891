using System.Runtime.CompilerServices;
using Google.Protobuf.WellKnownTypes;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// Every event of one job, numbered from 1 and kept for replay. The log itself is the buffer: each follower reads it at
/// its own pace from its own position, so appending never waits for a reader and a slow client never stalls the GPU.
/// A follower that has fallen behind skips previews already superseded by a newer preview of the same layer;
/// every other event reaches every follower.
/// </summary>
public sealed class JobEventLog : IJobEvents
{
    private readonly Lock _gate = new();
    private readonly List<JobEvent> _events = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobEventLog(string jobId) => JobId = jobId;

    public string JobId { get; }

    /// <summary>True once a completed, failed or cancelled event is in the log; nothing follows it.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Numbers, stamps and stores the event and wakes every follower.</summary>
    public JobEvent Append(JobEvent jobEvent)
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            if (IsFinished) throw new InvalidOperationException($"Job {JobId} has finished; no event may follow its outcome.");
            jobEvent.Sequence = (ulong)_events.Count + 1;
            jobEvent.JobId = JobId;
            jobEvent.Time = Timestamp.FromDateTime(DateTime.UtcNow);
            _events.Add(jobEvent);
            IsFinished = IsTerminal(jobEvent);
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
        return jobEvent;
    }

    /// <summary>
    /// What a follower from the start receives now: every event but the previews superseded by a newer one of the same
    /// layer. A finished job is stored as this.
    /// </summary>
    public IReadOnlyList<JobEvent> Replay()
    {
        lock (_gate) return [.. _events.Where((_, index) => !IsSupersededPreview(index))];
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<JobEvent> Follow(ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        int next = (int)Math.Min(afterSequence, int.MaxValue);
        while (true)
        {
            JobEvent? jobEvent = null;
            bool skip = false, finished;
            Task appended;
            lock (_gate)
            {
                if (next < _events.Count)
                {
                    jobEvent = _events[next];
                    skip = IsSupersededPreview(next);
                }
                finished = IsFinished;
                appended = _appended.Task;
            }
            if (jobEvent is not null)
            {
                next++;
                if (!skip) yield return jobEvent;
                continue;
            }
            if (finished) yield break;
            await appended.WaitAsync(cancellation);
        }
    }

    public static bool IsTerminal(JobEvent jobEvent) =>
        jobEvent.KindCase is JobEvent.KindOneofCase.Completed or JobEvent.KindOneofCase.Failed or JobEvent.KindOneofCase.Cancelled;

    private bool IsSupersededPreview(int index)
    {
        if (_events[index].Preview is not { } preview) return false;
        for (int later = index + 1; later < _events.Count; later++)
            if (_events[later].Preview?.LayerIndex == preview.LayerIndex) return true;
        return false;
    }
}
