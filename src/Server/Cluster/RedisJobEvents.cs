using System.Runtime.CompilerServices;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// A job's events in the shared store, for Attach on any server: the stored ones after the caller's position, then the
/// new ones as workers anywhere append them, until the outcome. Woken by Redis as events are appended, and looking
/// every second besides. A short outage of Redis (or a slow answer) is waited out; a long one ends the stream with
/// <see cref="JobStoreUnavailableException"/>, and the artist attaches again from where they were.
/// </summary>
public sealed class RedisJobEvents(RedisJobStore store, string jobId) : IJobEvents
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private const int BatchSize = 64;
    private const int TriesWhileAway = 10;

    /// <inheritdoc/>
    /// <exception cref="JobStoreUnavailableException">Redis could not be reached for about ten seconds.</exception>
    public async IAsyncEnumerable<JobUpdate> Follow(ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        try
        {
            int failures = 0;
            while (true)
            {
                var appended = store.NextAppended(jobId);
                IReadOnlyList<JobUpdate> batch;
                try
                {
                    batch = await store.ReadAsync(jobId, afterSequence, BatchSize, cancellation);
                    failures = 0;
                }
                catch (JobStoreUnavailableException) when (++failures < TriesWhileAway)
                {
                    await Task.Delay(PollInterval, cancellation);
                    continue;
                }
                foreach (var update in batch)
                {
                    afterSequence = update.Sequence;
                    yield return update;
                    if (update.IsOutcome) yield break;
                }
                if (batch.Count > 0) continue;
                if (await WokenAsync(appended, cancellation)) continue;
                // Nothing for a second: still there, or did its result expire meanwhile?
                if (!await store.ExistsAsync(jobId, cancellation)) yield break;
            }
        }
        finally
        {
            store.StopWaiting(jobId);
        }
    }

    // True when an append woke it, false after the poll interval.
    private static async Task<bool> WokenAsync(Task appended, CancellationToken cancellation)
    {
        try
        {
            await appended.WaitAsync(PollInterval, cancellation);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
