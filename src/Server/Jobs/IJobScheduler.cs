using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// Where jobs are submitted, found and cancelled, and where workers take them in fair order: this server's own queue
/// (<see cref="JobScheduler"/>, the default) or the one that every server on a Redis shares
/// (<see cref="Cluster.RedisJobScheduler"/>). What it will not do it refuses with a <see cref="JobSchedulingException"/>.
/// Asynchronous, so that a store across the network never holds a request's thread while it answers.
/// </summary>
public interface IJobScheduler
{
    /// <summary>Jobs waiting, not counting running ones.</summary>
    ValueTask<int> QueueLengthAsync(CancellationToken cancellation);

    /// <summary>
    /// Queues a job and returns its id; a retry with the same client request id from the same artist returns the
    /// existing job's id instead.
    /// </summary>
    /// <exception cref="JobRefusedException">The server is shutting down, or the queue or the artist's share of it is full.</exception>
    ValueTask<string> SubmitAsync(Caller caller, string clientRequestId, DecompositionRequest spec, CancellationToken cancellation);

    /// <summary>A job the caller may attach to: theirs, or anyone's for an admin.</summary>
    /// <exception cref="JobNotFoundException">No such job (or its result has expired).</exception>
    /// <exception cref="JobNotYoursException">The job is another artist's.</exception>
    ValueTask<JobRecord> FindForAsync(Caller caller, string id, CancellationToken cancellation);

    /// <summary>
    /// Cancels a job of the caller (any job for an admin): a queued one leaves the queue at once, a running one stops
    /// before its next sampling step. False when it had already ended.
    /// </summary>
    /// <exception cref="JobNotFoundException">No such job (or its result has expired).</exception>
    /// <exception cref="JobNotYoursException">The job is another artist's.</exception>
    ValueTask<bool> CancelAsync(Caller caller, string id, CancellationToken cancellation);

    /// <summary>Waits for the next job in fair order; the worker then runs it and calls <see cref="FinishedAsync"/>.</summary>
    Task<Job> NextAsync(CancellationToken cancellation);

    /// <summary>Stores a finished job's result and lets go of it; its outcome was counted when it was published.</summary>
    Task FinishedAsync(Job job);

    /// <summary>Refuses new jobs through this server from now on (shutdown); running jobs go on.</summary>
    void StopAccepting(string reason);
}
