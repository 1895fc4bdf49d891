using System.Runtime.CompilerServices;

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
    private readonly List<JobUpdate> _events = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobEventLog(string jobId) => JobId = jobId;

    public string JobId { get; }

    /// <summary>True once a completed, failed or cancelled event is in the log; nothing follows it.</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Numbers, stamps and stores the event and wakes every follower; returns it as stored.</summary>
    public JobUpdate Append(JobUpdate update)
    {
        TaskCompletionSource appended;
        lock (_gate)
        {
            if (IsFinished) throw new InvalidOperationException($"Job {JobId} has finished; no event may follow its outcome.");
            update = update with { Sequence = (ulong)_events.Count + 1, Time = DateTime.UtcNow };
            _events.Add(update);
            IsFinished = update.IsOutcome;
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        appended.TrySetResult();
        return update;
    }

    /// <summary>
    /// What a follower from the start receives now: every event but the previews superseded by a newer one of the same
    /// layer. A finished job is stored as this.
    /// </summary>
    public IReadOnlyList<JobUpdate> Replay()
    {
        lock (_gate) return [.. _events.Where((_, index) => !IsSupersededPreview(index))];
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<JobUpdate> Follow(ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        int next = (int)Math.Min(afterSequence, int.MaxValue);
        while (true)
        {
            JobUpdate? update = null;
            bool skip = false, finished;
            Task appended;
            lock (_gate)
            {
                if (next < _events.Count)
                {
                    update = _events[next];
                    skip = IsSupersededPreview(next);
                }
                finished = IsFinished;
                appended = _appended.Task;
            }
            if (update is not null)
            {
                next++;
                if (!skip) yield return update;
                continue;
            }
            if (finished) yield break;
            await appended.WaitAsync(cancellation);
        }
    }

    private bool IsSupersededPreview(int index)
    {
        if (_events[index] is not JobPreview preview) return false;
        for (int later = index + 1; later < _events.Count; later++)
            if (_events[later] is JobPreview newer && newer.LayerIndex == preview.LayerIndex) return true;
        return false;
    }
}
