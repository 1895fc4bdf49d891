using Microsoft.Extensions.Options;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// Where jobs are submitted, found and cancelled: the fair queue, the jobs in memory (queued or running) and the
/// result store (finished). Every queued job hears its queue position whenever it changes. What it will not do it
/// refuses with a <see cref="JobSchedulingException"/>; the service layer words those for its callers. Its lock guards
/// the queue and the jobs in memory only: result files are read and written outside it. This server's alone, the
/// default; <see cref="Cluster.RedisJobScheduler"/> shares one queue between servers.
/// </summary>
public sealed class JobScheduler(
    IOptions<JobsOptions> options, IOptions<ServerOptions> server, ResultStore results, ServerMetrics metrics, ILogger<JobScheduler> logger)
    : IJobScheduler
{
    private readonly string _idPrefix = server.Value.InstanceName.Length > 0 ? server.Value.InstanceName + "-" : "";
    private readonly Lock _gate = new();
    private readonly FairJobQueue<Job> _queue = new(options.Value.QueueCapacity, options.Value.MaxQueuedPerArtist);
    private readonly Dictionary<string, Job> _live = [];
    private readonly Dictionary<(string Owner, string ClientRequestId), Job> _liveByRequest = [];
    private string? _refusal;

    /// <summary>Jobs waiting, not counting running ones.</summary>
    public int QueueLength => _queue.Count;

    /// <summary>
    /// Queues a job and returns its id; a retry with the same client request id from the same artist returns the
    /// existing job's id instead.
    /// </summary>
    /// <exception cref="JobRefusedException">The server is shutting down, or the queue or the artist's share of it is full.</exception>
    public string Submit(Caller caller, string clientRequestId, DecompositionRequest spec)
    {
        lock (_gate)
        {
            if (!string.IsNullOrEmpty(clientRequestId))
            {
                if (_liveByRequest.TryGetValue((caller.Artist, clientRequestId), out var existing)) return existing.Id;
                // The store answers from its index in memory.
                if (results.FindByRequest(caller.Artist, clientRequestId) is { } stored) return stored;
            }
            if (_refusal is not null) throw new JobRefusedException(RefusalReason.ShuttingDown, _refusal);

            var job = new Job(_idPrefix + Guid.NewGuid().ToString("N"), caller.Artist, clientRequestId, spec);
            var admission = _queue.Enqueue(caller.Artist, job, out int position);
            if (admission != Admission.Queued)
            {
                job.Dispose();
                metrics.Jobs.WithLabels("refused").Inc();
                throw Refusal(caller.Artist, admission);
            }
            _live[job.Id] = job;
            if (!string.IsNullOrEmpty(clientRequestId)) _liveByRequest[(caller.Artist, clientRequestId)] = job;
            job.Log.Append(new JobAccepted(position));
            job.ReportedPosition = position;
            JobLogMessages.Accepted(logger, job.Id, job.Owner, position);
            ReportPositions();
            return job.Id;
        }
    }

    /// <summary>A queued, running or finished job; null when unknown (or its result has expired).</summary>
    public JobRecord? Find(string id)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(id, out var job)) return new JobRecord(job.Id, job.Owner, job.Log);
        }
        // A job leaves memory only once its result is saved, so one not found above is in the store or nowhere.
        return results.Find(id);
    }

    /// <summary>A job the caller may attach to: theirs, or anyone's for an admin.</summary>
    /// <exception cref="JobNotFoundException">No such job (or its result has expired).</exception>
    /// <exception cref="JobNotYoursException">The job is another artist's.</exception>
    public JobRecord FindFor(Caller caller, string id)
    {
        var job = Find(id) ?? throw new JobNotFoundException(id);
        CheckMayManage(caller, job.Owner, id);
        return job;
    }

    /// <summary>
    /// Cancels a job of the caller (any job for an admin): a queued one leaves the queue at once, a running one stops
    /// before its next sampling step. False when it had already ended.
    /// </summary>
    /// <exception cref="JobNotFoundException">No such job (or its result has expired).</exception>
    /// <exception cref="JobNotYoursException">The job is another artist's.</exception>
    public bool Cancel(Caller caller, string id)
    {
        if (CancelInMemory(caller, id) is { } cancelled) return cancelled;
        // Finished (its result is read outside the lock) or unknown.
        FindFor(caller, id);
        return false;
    }

    // Null when the job is not in memory.
    private bool? CancelInMemory(Caller caller, string id)
    {
        Job? removed;
        lock (_gate)
        {
            if (!_live.TryGetValue(id, out var job)) return null;
            CheckMayManage(caller, job.Owner, id);
            if (job.Log.IsFinished) return false;
            job.Cancel(caller.Artist == job.Owner ? $"Cancelled by {caller.Artist}." : $"Cancelled by the administrator {caller.Artist}.");
            removed = _queue.TryRemove(job.Owner, job) ? job : null;
            if (removed is not null)
            {
                metrics.Jobs.WithLabels("cancelled").Inc();
                removed.Cancelled();
                ReportPositions();
            }
        }
        // A running job reports its own cancellation when the sampling loop stops.
        if (removed is not null) Finished(removed);
        return true;
    }

    /// <summary>Waits for the next job in fair order; the worker then runs it and calls <see cref="Finished"/>.</summary>
    public async Task<Job> NextAsync(CancellationToken cancellation)
    {
        var job = await _queue.DequeueAsync(cancellation);
        lock (_gate) ReportPositions();
        return job;
    }

    /// <summary>
    /// Stores a finished job's result, lets go of it in memory and tells the fair queue it no longer runs. Its outcome was
    /// counted when it was published.
    /// </summary>
    public void Finished(Job job)
    {
        _queue.Finished(job);
        try
        {
            results.Save(job.Id, job.Owner, job.ClientRequestId, job.Log.Replay());
        }
        catch (IOException error)
        {
            JobLogMessages.NotSaved(logger, job.Id, job.Owner, error);
        }
        lock (_gate)
        {
            _live.Remove(job.Id);
            _liveByRequest.Remove((job.Owner, job.ClientRequestId));
        }
        job.Dispose();
    }

    // The interface's calls: this scheduler answers from memory (or a result file on this machine) at once.
    ValueTask<int> IJobScheduler.QueueLengthAsync(CancellationToken cancellation) => ValueTask.FromResult(QueueLength);

    ValueTask<string> IJobScheduler.SubmitAsync(Caller caller, string clientRequestId, DecompositionRequest spec, CancellationToken cancellation) =>
        ValueTask.FromResult(Submit(caller, clientRequestId, spec));

    ValueTask<JobRecord> IJobScheduler.FindForAsync(Caller caller, string id, CancellationToken cancellation) => ValueTask.FromResult(FindFor(caller, id));

    ValueTask<bool> IJobScheduler.CancelAsync(Caller caller, string id, CancellationToken cancellation) => ValueTask.FromResult(Cancel(caller, id));

    Task IJobScheduler.FinishedAsync(Job job)
    {
        Finished(job);
        return Task.CompletedTask;
    }

    /// <summary>Refuses new jobs from now on and cancels every queued one (shutdown); running jobs go on.</summary>
    public void StopAccepting(string reason)
    {
        List<Job> dropped = [];
        lock (_gate)
        {
            _refusal = reason;
            foreach (var job in _queue.ServiceOrder())
            {
                if (!_queue.TryRemove(job.Owner, job)) continue;
                job.Cancel(reason);
                metrics.Jobs.WithLabels("cancelled").Inc();
                job.Cancelled();
                dropped.Add(job);
            }
            ReportPositions();
        }
        foreach (var job in dropped) Finished(job);
    }

    // Called under _gate after every change to the queue.
    private void ReportPositions()
    {
        var order = _queue.ServiceOrder();
        for (int position = 0; position < order.Count; position++)
        {
            var job = order[position];
            if (job.ReportedPosition == position) continue;
            job.ReportedPosition = position;
            job.Log.Append(new JobQueuePositionChanged(position));
        }
        metrics.QueueLength.Set(order.Count);
    }

    private JobRefusedException Refusal(string artist, Admission admission)
    {
        if (admission == Admission.ShareFull)
        {
            JobLogMessages.RefusedShareFull(logger, artist, _queue.PerArtist);
            return QueueRefusals.ShareFull(_queue.PerArtist, _queue.Capacity);
        }
        JobLogMessages.Refused(logger, artist, _queue.Capacity);
        return QueueRefusals.QueueFull(_queue.Capacity);
    }

    private static void CheckMayManage(Caller caller, string owner, string id)
    {
        if (!caller.MayManage(owner)) throw new JobNotYoursException(id);
    }
}
