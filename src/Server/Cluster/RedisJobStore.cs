using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QwenLayered.Server.Jobs;
using StackExchange.Redis;

namespace QwenLayered.Server.Cluster;

/// <summary>
/// The job store every server of a cluster shares, on Redis: each call one atomic <see cref="RedisScripts">script</see>
/// or one read. Events travel in the bytes a result file holds them in (<see cref="ResultFile.WriteEvent"/>) after the
/// version of that format, so a server refuses (<see cref="JobStoreFormatException"/>) what it cannot read; their
/// sequence numbers and queue positions given by the store as it appends them. Redis out of reach is a
/// <see cref="JobStoreUnavailableException"/>; the client reconnects by itself once it is back.
/// </summary>
public sealed class RedisJobStore : IDisposable
{
    private const string Prefix = "qwenlayered:";

    private readonly ConnectionMultiplexer _connection;
    private readonly string _address;
    private readonly StoreOutage _outage;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _appended = [];

    public RedisJobStore(IOptions<ClusterOptions> options, ILogger<RedisJobStore> logger)
    {
        _outage = new StoreOutage(logger);
        var configuration = options.Value.RedisConfiguration();
        _address = string.Join(",", configuration.EndPoints.Select(EndPointCollection.ToString));
        _connection = ConnectionMultiplexer.Connect(configuration);
        Subscribe("appended", id =>
        {
            if (_appended.TryRemove(id, out var appended)) appended.TrySetResult();
        });
    }

    public bool IsConnected => _connection.IsConnected;

    /// <summary>Where the store is, for messages: host:port.</summary>
    public string Address => _address;

    private IDatabase Database => _connection.GetDatabase();

    public async Task<SubmitAnswer> SubmitAsync(string id, string owner, string clientRequestId, byte[] spec, int capacity, int perArtist,
        CancellationToken cancellation)
    {
        var answer = (RedisResult[])(await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Submit, values:
        [
            id, owner, clientRequestId, spec, DateTime.UtcNow.Ticks, capacity, perArtist,
            Encode(new JobAccepted(0)), Encode(new JobQueuePositionChanged(0)),
        ]), cancellation))!;
        return (string)answer[0]! switch
        {
            "existing" => new SubmitAnswer(Admission.Queued, (string)answer[1]!, -1),
            "share" => new SubmitAnswer(Admission.ShareFull, null, -1),
            "full" => new SubmitAnswer(Admission.QueueFull, null, -1),
            _ => new SubmitAnswer(Admission.Queued, id, int.Parse((string)answer[1]!)),
        };
    }

    /// <summary>The next job in turn, now held by <paramref name="worker"/> for <paramref name="lease"/>; null when none waits.</summary>
    public async Task<TakenJob?> TakeAsync(string worker, TimeSpan lease, CancellationToken cancellation)
    {
        var result = await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Take, values:
            [worker, (long)lease.TotalMilliseconds, Encode(new JobQueuePositionChanged(0))]), cancellation);
        if (result.IsNull) return null;
        var f = (RedisResult[])result!;
        string cancel = (string)f[6]!;
        return new TakenJob((string)f[0]!, (string)f[1]!, (string)f[2]!, (string)f[3]!, (byte[])f[4]!,
            new DateTime(long.Parse((string)f[5]!), DateTimeKind.Utc), cancel.Length > 0 ? cancel : null);
    }

    /// <summary>
    /// Appends an event of a running attempt; <paramref name="localSequence"/> is its number in the worker's own log, so
    /// a retry after a lost answer appends nothing twice. False when the attempt no longer holds the job.
    /// </summary>
    public async Task<bool> AppendAsync(string id, string attempt, ulong localSequence, JobUpdate update, TimeSpan timeToLive,
        CancellationToken cancellation)
    {
        var result = await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Append, values:
            [id, attempt, (long)localSequence, Encode(update), update.IsOutcome ? 1 : 0, (long)timeToLive.TotalMilliseconds]), cancellation);
        return (int)result >= 0;
    }

    /// <summary>Renews the attempt's lease; null when it no longer holds the job, else the cancel reason ("" for none).</summary>
    public async Task<string?> RenewAsync(string id, string attempt, TimeSpan lease, CancellationToken cancellation)
    {
        var f = (RedisResult[])(await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Renew, values:
            [id, attempt, (long)lease.TotalMilliseconds]), cancellation))!;
        return (int)f[0] == 1 ? (string)f[1]! : null;
    }

    /// <summary>"removed" (it was waiting, now cancelled), "running" (its worker is told), "finished" or "unknown".</summary>
    public async Task<string> CancelAsync(string id, string reason, TimeSpan timeToLive, CancellationToken cancellation) =>
        (string)(await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Cancel, values:
            [id, reason, Encode(new JobCancelled(reason)), (long)timeToLive.TotalMilliseconds, Encode(new JobQueuePositionChanged(0))]), cancellation))!;

    /// <summary>Puts the jobs whose lease ran out back in the queue; returns their ids.</summary>
    public async Task<string[]> RequeueExpiredAsync(CancellationToken cancellation) =>
        (string[])(await RunAsync(() => Database.ScriptEvaluateAsync(RedisScripts.Requeue, values: [Encode(new JobQueuePositionChanged(0))]),
            cancellation))!;

    /// <summary>The job's artist; null when no such job is stored (never submitted, or expired).</summary>
    public async Task<string?> OwnerOfAsync(string id, CancellationToken cancellation) =>
        await RunAsync(() => Database.HashGetAsync(Prefix + "job:" + id, "owner"), cancellation);

    public Task<bool> ExistsAsync(string id, CancellationToken cancellation) => RunAsync(() => Database.KeyExistsAsync(Prefix + "job:" + id), cancellation);

    public async Task<string?> CancelReasonAsync(string id, CancellationToken cancellation) =>
        await RunAsync(() => Database.HashGetAsync(Prefix + "job:" + id, "cancel"), cancellation);

    public async Task<int> WaitingAsync(CancellationToken cancellation) =>
        await RunAsync(() => Database.StringGetAsync(Prefix + "waiting"), cancellation) is { IsNull: false } waiting ? (int)waiting : 0;

    /// <summary>
    /// Completes when any server next appends an event to the job (a wake-up that may come late or not at all while
    /// Redis is away: followers look again now and then anyway). Ask before reading, so no event slips between.
    /// </summary>
    public Task NextAppended(string id) =>
        _appended.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Forgets a wake-up no follower waits for any more.</summary>
    public void StopWaiting(string id) => _appended.TryRemove(id, out _);

    /// <summary>The job's events after <paramref name="afterSequence"/>, at most <paramref name="count"/>, in order.</summary>
    public async Task<IReadOnlyList<JobUpdate>> ReadAsync(string id, ulong afterSequence, int count, CancellationToken cancellation)
    {
        var entries = await RunAsync(() => Database.StreamRangeAsync(Prefix + "events:" + id, $"0-{afterSequence + 1}", "+", count), cancellation);
        return [.. entries.Select(entry => Decode(id, entry))];
    }

    /// <summary>
    /// Calls <paramref name="received"/> with the job id of each cancel request (<c>cancel</c>), new job (<c>queued</c>)
    /// or new event (<c>appended</c>).
    /// </summary>
    /// <returns>False when Redis cannot be reached now (the caller must do without until the client reconnects).</returns>
    public bool Subscribe(string channel, Action<string> received)
    {
        try
        {
            _connection.GetSubscriber().Subscribe(RedisChannel.Literal(Prefix + channel), (_, message) => received(message!));
            return true;
        }
        catch (Exception error) when (error is RedisException or RedisTimeoutException)
        {
            return false;
        }
    }

    // The event format's version (the result file's), then the event as that version writes it; stored with sequence
    // 0: the store numbers it. Time is when it happened, stamped here unless the worker's log did.
    private static byte[] Encode(JobUpdate update)
    {
        using var stream = new MemoryStream();
        stream.WriteByte(ResultFile.Version);
        ResultFile.WriteEvent(stream, update.Time == default ? update with { Time = DateTime.UtcNow } : update);
        return stream.ToArray();
    }

    /// <exception cref="JobStoreFormatException">The event is of a format this server does not read.</exception>
    private static JobUpdate Decode(string id, StreamEntry entry)
    {
        var bytes = new MemoryStream((byte[])entry["e"]!);
        JobUpdate update;
        try
        {
            update = ResultFile.ReadEvent(bytes, bytes.ReadByte());
        }
        catch (ResultFormatException error)
        {
            throw new JobStoreFormatException(id, error);
        }
        update = update with { Sequence = ulong.Parse(((string)entry.Id!)["0-".Length..]) };
        var position = entry["p"];
        return update switch
        {
            JobAccepted accepted when !position.IsNull => accepted with { QueuePosition = (int)position },
            JobQueuePositionChanged moved when !position.IsNull => moved with { QueuePosition = (int)position },
            _ => update,
        };
    }

    // The client's commands take no cancellation token: the caller stops waiting, and Redis still carries out a command
    // it was sent (each is one atomic script or one read, so it is done wholly or not at all).
    private async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellation)
    {
        try
        {
            var result = await call().WaitAsync(cancellation);
            _outage.Succeeded();
            return result;
        }
        catch (Exception error) when (error is RedisException or RedisTimeoutException)
        {
            throw Unavailable(error);
        }
    }

    // Logged once an outage begins (with Redis's own words for the operator) and once it ends.
    private JobStoreUnavailableException Unavailable(Exception error)
    {
        _outage.Failed(error);
        return new(
        $"The servers' shared job store (Redis at {_address}) cannot be reached, so no job can be submitted, followed or " +
        "cancelled now. Try again in a minute; ask the administrator to check Redis if it lasts.", error);
    }

    public void Dispose() => _connection.Dispose();
}

/// <param name="JobId">The new job's id, or the existing one's for a repeated client request id; null when refused.</param>
/// <param name="Position">Jobs ahead of the new one; -1 otherwise.</param>
public sealed record SubmitAnswer(Admission Admission, string? JobId, int Position);

/// <param name="Attempt">Which run of the job this is, from "1"; a lost lease gives the next one.</param>
/// <param name="CancelReason">Set when the job was cancelled while its previous attempt ran.</param>
public sealed record TakenJob(string Id, string Attempt, string Owner, string ClientRequestId, byte[] Spec, DateTime SubmittedAt, string? CancelReason);
