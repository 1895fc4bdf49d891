using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// The scheduler of a server in a cluster: every job lives in the <see cref="RedisJobStore"/> all servers share, so any
/// server takes submits, attaches and cancels for any job, and the fair turns between artists hold across them. A job
/// this server's worker takes runs here under a lease it renews; its events go from the job's own log to the shared
/// stream as they come. When the lease runs out (this server died or lost Redis for too long), another server queues
/// the job again and the next run starts it afresh; what this run still appends is then refused, and the run stops.
/// </summary>
public sealed class RedisJobScheduler : IJobScheduler
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly RedisJobStore _store;
    private readonly JobsOptions _jobs;
    private readonly TimeSpan _lease;
    private readonly string _idPrefix;
    private readonly ServerMetrics _metrics;
    private readonly ILogger<RedisJobScheduler> _logger;
    private readonly CancellationTokenSource _givingUp = new();
    private readonly string _worker = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly ConcurrentDictionary<string, RunningJob> _running = [];
    private readonly SemaphoreSlim _queued = new(0);
    private string? _refusal;

    public RedisJobScheduler(RedisJobStore store, IOptions<JobsOptions> jobs, IOptions<ClusterOptions> cluster, IOptions<ServerOptions> server,
        ServerMetrics metrics, ILogger<RedisJobScheduler> logger)
    {
        (_store, _jobs, _lease, _metrics, _logger) = (store, jobs.Value, cluster.Value.LeaseTime, metrics, logger);
        _idPrefix = server.Value.InstanceName.Length > 0 ? server.Value.InstanceName + "-" : "";
        // Wake-ups only: a worker also looks every second, and a running job hears of a cancel when it renews its lease.
        store.Subscribe("queued", _ => { if (_queued.CurrentCount == 0) _queued.Release(); });
        store.Subscribe("cancel", id => _ = CancelRequestedAsync(id));
        ClusterLogMessages.Joined(logger, store.Address, _worker);
    }

    /// <inheritdoc/>
    /// <remarks>0 while Redis cannot be reached.</remarks>
    public async ValueTask<int> QueueLengthAsync(CancellationToken cancellation)
    {
        try
        {
            return await _store.WaitingAsync(cancellation);
        }
        catch (JobStoreUnavailableException)
        {
            return 0;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="JobStoreUnavailableException">Redis cannot be reached.</exception>
    public async ValueTask<string> SubmitAsync(Caller caller, string clientRequestId, DecompositionRequest spec, CancellationToken cancellation)
    {
        if (_refusal is not null) throw new JobRefusedException(RefusalReason.ShuttingDown, _refusal);
        var answer = await _store.SubmitAsync(_idPrefix + Guid.NewGuid().ToString("N"), caller.Artist, clientRequestId ?? "",
            JobSpecFormat.Write(spec), _jobs.QueueCapacity, _jobs.MaxQueuedPerArtist, cancellation);
        switch (answer.Admission)
        {
            case Admission.ShareFull:
                _metrics.Jobs.WithLabels("refused").Inc();
                JobLogMessages.RefusedShareFull(_logger, caller.Artist, _jobs.MaxQueuedPerArtist);
                throw QueueRefusals.ShareFull(_jobs.MaxQueuedPerArtist, _jobs.QueueCapacity);
            case Admission.QueueFull:
                _metrics.Jobs.WithLabels("refused").Inc();
                JobLogMessages.Refused(_logger, caller.Artist, _jobs.QueueCapacity);
                throw QueueRefusals.QueueFull(_jobs.QueueCapacity);
        }
        if (answer.Position >= 0) JobLogMessages.Accepted(_logger, answer.JobId!, caller.Artist, answer.Position);
        return answer.JobId!;
    }

    /// <inheritdoc/>
    public async ValueTask<JobRecord> FindForAsync(Caller caller, string id, CancellationToken cancellation)
    {
        string owner = await _store.OwnerOfAsync(id, cancellation) ?? throw new JobNotFoundException(id);
        if (!caller.MayManage(owner)) throw new JobNotYoursException(id);
        return new JobRecord(id, owner, new RedisJobEvents(_store, id));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CancelAsync(Caller caller, string id, CancellationToken cancellation)
    {
        var job = await FindForAsync(caller, id, cancellation);
        string reason = caller.Artist == job.Owner ? $"Cancelled by {caller.Artist}." : $"Cancelled by the administrator {caller.Artist}.";
        switch (await _store.CancelAsync(id, reason, _jobs.ResultTimeToLive, cancellation))
        {
            case "removed":
                _metrics.Jobs.WithLabels("cancelled").Inc();
                return true;
            case "running":
                // Its worker, wherever it is, stops before the next step and reports the cancellation itself.
                return true;
            case "finished":
                return false;
            default:
                throw new JobNotFoundException(id);
        }
    }

    /// <inheritdoc/>
    public async Task<Job> NextAsync(CancellationToken cancellation)
    {
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            TakenJob? taken = null;
            try
            {
                taken = await _store.TakeAsync(_worker, _lease, cancellation);
            }
            catch (JobStoreUnavailableException)
            {
                // The store logs the outage; the worker looks again.
            }
            if (taken is not null && await StartAsync(taken) is { } job) return job;
            if (taken is null) await _queued.WaitAsync(PollInterval, cancellation);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Waits until every event of the job is in the shared store (or this run no longer holds the job).</remarks>
    public async Task FinishedAsync(Job job)
    {
        if (!_running.TryRemove(job.Id, out var run))
        {
            job.Dispose();
            return;
        }
        await run.Pump;
        await run.Ended.CancelAsync();
        await run.Lease;
        run.Ended.Dispose();
        job.Dispose();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Queued jobs stay in the shared queue for the other servers. Events of running jobs are still stored for the drain
    /// timeout, then given up if Redis cannot take them.
    /// </remarks>
    public void StopAccepting(string reason)
    {
        _refusal = reason;
        _givingUp.CancelAfter(_jobs.ShutdownDrainTimeout + RetryInterval);
    }

    // Null when the job could not be started here (its failure is then stored).
    private async Task<Job?> StartAsync(TakenJob taken)
    {
        DecompositionRequest spec;
        try
        {
            spec = JobSpecFormat.Read(taken.Spec);
        }
        catch (FormatException error)
        {
            ClusterLogMessages.SpecUnreadable(_logger, taken.Id, error.Message);
            _metrics.Jobs.WithLabels("failed").Inc();
            await AppendAsync(taken.Id, taken.Attempt, new JobFailed(JobFailure.Internal,
                $"The server that took this job could not read it ({error.Message}); every server of a cluster must run the same version (job {taken.Id})."),
                localSequence: 1);
            return null;
        }
        var job = new Job(taken.Id, taken.Owner, taken.ClientRequestId, spec, taken.SubmittedAt);
        if (taken.CancelReason is { } reason) job.Cancel(reason);
        var run = new RunningJob(job, taken.Attempt);
        _running[job.Id] = run;
        run.Pump = PumpAsync(run);
        run.Lease = RenewAsync(run);
        return job;
    }

    // The job's own log, event by event, into the shared stream; ends after the outcome or when the job is lost.
    private async Task PumpAsync(RunningJob run)
    {
        await foreach (var update in run.Job.Log.Follow(0, CancellationToken.None))
        {
            if (!await AppendAsync(run.Job.Id, run.Attempt, update, update.Sequence))
            {
                Lost(run);
                return;
            }
        }
    }

    // False when this attempt no longer holds the job, or Redis stayed away past the shutdown's drain.
    private async Task<bool> AppendAsync(string id, string attempt, JobUpdate update, ulong localSequence)
    {
        while (true)
        {
            try
            {
                return await _store.AppendAsync(id, attempt, localSequence, update, _jobs.ResultTimeToLive, _givingUp.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (JobStoreUnavailableException)
            {
                if (_givingUp.IsCancellationRequested) return false;
                try
                {
                    await Task.Delay(RetryInterval, _givingUp.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private async Task RenewAsync(RunningJob run)
    {
        using var timer = new PeriodicTimer(_lease / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Ended.Token))
            {
                string? cancel;
                try
                {
                    cancel = await _store.RenewAsync(run.Job.Id, run.Attempt, _lease, run.Ended.Token);
                }
                catch (JobStoreUnavailableException)
                {
                    // The lease may run out meanwhile; then the next append says so.
                    continue;
                }
                if (cancel is null)
                {
                    Lost(run);
                    return;
                }
                if (cancel.Length > 0) run.Job.Cancel(cancel);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CancelRequestedAsync(string id)
    {
        if (!_running.TryGetValue(id, out var run)) return;
        try
        {
            if (await _store.CancelReasonAsync(id, run.Ended.Token) is { Length: > 0 } reason) run.Job.Cancel(reason);
        }
        catch (JobStoreUnavailableException)
        {
            // Its worker hears of the cancel when it next renews the lease.
        }
        catch (Exception error) when (error is ObjectDisposedException or OperationCanceledException)
        {
            // It finished meanwhile.
        }
    }

    private void Lost(RunningJob run)
    {
        if (run.Job.Log.IsFinished || run.Ended.IsCancellationRequested) return;
        ClusterLogMessages.LeaseLost(_logger, run.Job.Id);
        run.Job.Cancel("This server lost its hold on the job; another server runs it again.");
    }

    private sealed class RunningJob(Job job, string attempt)
    {
        public Job Job { get; } = job;
        public string Attempt { get; } = attempt;
        public CancellationTokenSource Ended { get; } = new();
        public Task Pump { get; set; } = Task.CompletedTask;
        public Task Lease { get; set; } = Task.CompletedTask;
    }
}
