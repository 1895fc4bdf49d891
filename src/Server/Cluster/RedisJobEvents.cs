using System.Runtime.CompilerServices;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// A job's events in the shared store, for Attach on any server: the stored ones after the caller's position, then the
/// new ones as workers anywhere append them, until the outcome. New events are looked for every tenth of a second.
/// </summary>
public sealed class RedisJobEvents(RedisJobStore store, string jobId) : IJobEvents
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private const int BatchSize = 64;

    /// <inheritdoc/>
    /// <exception cref="JobStoreUnavailableException">Redis cannot be reached.</exception>
    public async IAsyncEnumerable<JobUpdate> Follow(ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        while (true)
        {
            var batch = await store.ReadAsync(jobId, afterSequence, BatchSize);
            foreach (var update in batch)
            {
                afterSequence = update.Sequence;
                yield return update;
                if (update.IsOutcome) yield break;
            }
            if (batch.Count > 0) continue;
            // Gone while followed: its result expired.
            if (!await store.ExistsAsync(jobId)) yield break;
            await Task.Delay(PollInterval, cancellation);
        }
    }
}
