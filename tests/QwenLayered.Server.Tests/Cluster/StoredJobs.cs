using QwenLayered.Server.Cluster;
using StackExchange.Redis;

namespace QwenLayered.Server.Tests.Cluster;

/// <summary>
/// The test's own look into the shared store, by the keys <see cref="RedisScripts"/> describes: what the servers keep of
/// a job, read (the order jobs were taken in) or changed (a gate the test sets) behind their backs.
/// </summary>
internal sealed class StoredJobs : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private StoredJobs(ConnectionMultiplexer connection) => _connection = connection;

    public static async Task<StoredJobs> ConnectAsync(RedisProcess redis) => new(await ConnectionMultiplexer.ConnectAsync(redis.Address));

    private IDatabase Database => _connection.GetDatabase();

    /// <summary>The job's place in the order jobs were taken by any server's worker, from 1.</summary>
    public async Task<long> TurnAsync(string id) => (long)await Database.HashGetAsync("qwenlayered:job:" + id, "turn");

    /// <summary>Changes the steps of a queued or running job's request, as the next worker to take it reads it.</summary>
    public async Task SetStepsAsync(string id, int steps)
    {
        var spec = JobSpecFormat.Read((byte[])(await Database.HashGetAsync("qwenlayered:job:" + id, "spec"))!);
        var changed = spec with { Settings = spec.Settings with { Steps = steps } };
        await Database.HashSetAsync("qwenlayered:job:" + id, "spec", JobSpecFormat.Write(changed));
    }

    /// <summary>The bytes of each of the job's stored events, in order.</summary>
    public async Task<byte[][]> EventBytesAsync(string id) =>
        [.. (await Database.StreamRangeAsync("qwenlayered:events:" + id)).Select(entry => (byte[])entry["e"]!)];

    /// <summary>Stores an event's bytes as the job's event <paramref name="sequence"/>.</summary>
    public async Task AddEventAsync(string id, ulong sequence, byte[] bytes) =>
        await Database.StreamAddAsync("qwenlayered:events:" + id, "e", bytes, $"0-{sequence}");

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
