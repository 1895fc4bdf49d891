namespace QwenLayered.Server.Cluster;

/// <summary>
/// The Lua scripts that change the shared store, each run by Redis as one atomic step, so two servers never take the
/// same job, number two events alike or lose a job between two commands. Keys (all under "qwenlayered:"):
/// <list type="bullet">
/// <item><c>job:ID</c>: a hash: owner, client request id, the request (while queued or running), state (queued, running,
/// finished), attempt, the worker, the last event number (seq), the last queue position sent (pos), a cancel reason, and
/// the turn it was last taken in (turn: <c>turns</c> counts every take by any server, so it is the cluster's dispatch
/// order).</item>
/// <item><c>events:ID</c>: the job's events, a stream whose entry ids are 0-SEQUENCE; each entry holds the event
/// (<c>e</c>: a byte for the version of the result file's format, then the event as such a file holds it) and, for
/// queue positions, the position (<c>p</c>).</item>
/// <item><c>lane:ARTIST</c>: the artist's waiting job ids, first in first out; <c>rotation</c>: the artists with waiting
/// jobs in the order they are served, one job each turn; <c>waiting</c>: how many jobs wait in all.</item>
/// <item><c>running</c>: running job ids scored by the time their lease runs out (Redis's clock, in ms).</item>
/// <item><c>request:ARTIST\nREQUEST-ID</c>: the job a client request id made.</item>
/// </list>
/// A finished job's hash, stream and request key expire after the result's time to live. Scripts name keys they build
/// themselves, so the store is one Redis (with replicas or Sentinel), not a Redis Cluster.
/// </summary>
internal static class RedisScripts
{
    private const string Common = """
        local P = 'qwenlayered:'
        local function now_ms()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local function append(id, payload, position)
          local seq = redis.call('HINCRBY', P .. 'job:' .. id, 'seq', 1)
          if position then
            redis.call('HSET', P .. 'job:' .. id, 'pos', position)
            redis.call('XADD', P .. 'events:' .. id, '0-' .. seq, 'e', payload, 'p', position)
          else
            redis.call('XADD', P .. 'events:' .. id, '0-' .. seq, 'e', payload)
          end
          redis.call('PUBLISH', P .. 'appended', id)
          return seq
        end
        -- Positions in serving order: the job at index i of its lane is served in round i, and in a round artists go
        -- in rotation order. Each waiting job whose position changed hears it (the accepted one in its Accepted event).
        local function report_positions(moved, accepted_id, accepted)
          local rotation = redis.call('LRANGE', P .. 'rotation', 0, -1)
          local lanes, lengths = {}, {}
          for r, artist in ipairs(rotation) do
            lanes[r] = redis.call('LRANGE', P .. 'lane:' .. artist, 0, -1)
            lengths[r] = #lanes[r]
          end
          local result = -1
          for r, jobs in ipairs(lanes) do
            for index, id in ipairs(jobs) do
              local i = index - 1
              local position = i
              for k = 1, #rotation do
                if k ~= r then
                  position = position + math.min(lengths[k], i)
                  if k < r and lengths[k] > i then position = position + 1 end
                end
              end
              if id == accepted_id then
                append(id, accepted, position)
                result = position
              elseif redis.call('HGET', P .. 'job:' .. id, 'pos') ~= tostring(position) then
                append(id, moved, position)
              end
            end
          end
          return result
        end
        local function finish(id, ttl)
          local job = P .. 'job:' .. id
          local owner, request = unpack(redis.call('HMGET', job, 'owner', 'request'))
          redis.call('HSET', job, 'state', 'finished')
          redis.call('HDEL', job, 'spec', 'worker')
          redis.call('ZREM', P .. 'running', id)
          redis.call('PEXPIRE', job, ttl)
          redis.call('PEXPIRE', P .. 'events:' .. id, ttl)
          if request ~= '' then redis.call('PEXPIRE', P .. 'request:' .. owner .. '\n' .. request, ttl) end
        end

        """;

    /// <summary>ARGV: id, owner, request id, request, submitted (ticks), capacity, per artist, Accepted, QueuePositionChanged.</summary>
    public const string Submit = Common + """
        local id, owner, request = ARGV[1], ARGV[2], ARGV[3]
        local request_key = P .. 'request:' .. owner .. '\n' .. request
        if request ~= '' then
          local existing = redis.call('GET', request_key)
          if existing then return {'existing', existing} end
        end
        local lane = P .. 'lane:' .. owner
        if redis.call('LLEN', lane) >= tonumber(ARGV[7]) then return {'share'} end
        if tonumber(redis.call('GET', P .. 'waiting') or '0') >= tonumber(ARGV[6]) then return {'full'} end
        redis.call('HSET', P .. 'job:' .. id, 'owner', owner, 'request', request, 'spec', ARGV[4], 'submitted', ARGV[5],
          'state', 'queued', 'attempt', 0, 'seq', 0, 'pos', -1)
        if redis.call('RPUSH', lane, id) == 1 then redis.call('RPUSH', P .. 'rotation', owner) end
        redis.call('INCR', P .. 'waiting')
        if request ~= '' then redis.call('SET', request_key, id) end
        local position = report_positions(ARGV[9], id, ARGV[8])
        redis.call('PUBLISH', P .. 'queued', id)
        return {'queued', tostring(position)}
        """;

    /// <summary>ARGV: worker, lease (ms), QueuePositionChanged. The next job in turn, now running under the worker's lease.</summary>
    public const string Take = Common + """
        local artist = redis.call('LPOP', P .. 'rotation')
        if not artist then return false end
        local lane = P .. 'lane:' .. artist
        local id = redis.call('LPOP', lane)
        if not id then return false end
        if redis.call('LLEN', lane) > 0 then redis.call('RPUSH', P .. 'rotation', artist) end
        redis.call('DECR', P .. 'waiting')
        local job = P .. 'job:' .. id
        local attempt = redis.call('HINCRBY', job, 'attempt', 1)
        local turn = redis.call('INCR', P .. 'turns')
        redis.call('HSET', job, 'state', 'running', 'worker', ARGV[1], 'local', 0, 'pos', -1, 'turn', turn)
        redis.call('ZADD', P .. 'running', now_ms() + tonumber(ARGV[2]), id)
        report_positions(ARGV[3])
        local f = redis.call('HMGET', job, 'owner', 'request', 'spec', 'submitted', 'cancel')
        return {id, tostring(attempt), f[1], f[2], f[3], f[4], f[5] or ''}
        """;

    /// <summary>
    /// ARGV: id, attempt, the worker's own number of the event, the event, outcome (1 or 0), time to live (ms). 1 when
    /// appended, 0 when it already was (a retry), -1 when the attempt no longer holds the job.
    /// </summary>
    public const string Append = Common + """
        local job = P .. 'job:' .. ARGV[1]
        local f = redis.call('HMGET', job, 'state', 'attempt', 'local')
        if f[1] ~= 'running' or f[2] ~= ARGV[2] then return -1 end
        if tonumber(f[3]) >= tonumber(ARGV[3]) then return 0 end
        redis.call('HSET', job, 'local', ARGV[3])
        append(ARGV[1], ARGV[4])
        if ARGV[5] == '1' then finish(ARGV[1], ARGV[6]) end
        return 1
        """;

    /// <summary>ARGV: id, attempt, lease (ms). {1, cancel reason or ''} while the attempt holds the job, else {0, ''}.</summary>
    public const string Renew = Common + """
        local job = P .. 'job:' .. ARGV[1]
        local f = redis.call('HMGET', job, 'state', 'attempt', 'cancel')
        if f[1] ~= 'running' or f[2] ~= ARGV[2] then return {0, ''} end
        redis.call('ZADD', P .. 'running', now_ms() + tonumber(ARGV[3]), ARGV[1])
        return {1, f[3] or ''}
        """;

    /// <summary>
    /// ARGV: id, reason, Cancelled, time to live (ms), QueuePositionChanged. "removed" (it was waiting), "running" (its
    /// worker is told), "finished" or "unknown".
    /// </summary>
    public const string Cancel = Common + """
        local job = P .. 'job:' .. ARGV[1]
        local state = redis.call('HGET', job, 'state')
        if not state then return 'unknown' end
        if state == 'finished' then return 'finished' end
        if state == 'queued' then
          local owner = redis.call('HGET', job, 'owner')
          local lane = P .. 'lane:' .. owner
          redis.call('LREM', lane, 1, ARGV[1])
          if redis.call('LLEN', lane) == 0 then redis.call('LREM', P .. 'rotation', 1, owner) end
          redis.call('DECR', P .. 'waiting')
          append(ARGV[1], ARGV[3])
          finish(ARGV[1], ARGV[4])
          report_positions(ARGV[5])
          return 'removed'
        end
        redis.call('HSETNX', job, 'cancel', ARGV[2])
        redis.call('PUBLISH', P .. 'cancel', ARGV[1])
        return 'running'
        """;

    /// <summary>
    /// ARGV: QueuePositionChanged. Jobs whose lease ran out go back to the front of their artist's lane, and their
    /// artist to the front of the rotation: they had their turn already. Returns their ids.
    /// </summary>
    public const string Requeue = Common + """
        local expired = redis.call('ZRANGEBYSCORE', P .. 'running', '-inf', now_ms())
        for _, id in ipairs(expired) do
          redis.call('ZREM', P .. 'running', id)
          local job = P .. 'job:' .. id
          local owner = redis.call('HGET', job, 'owner')
          local lane = P .. 'lane:' .. owner
          redis.call('HSET', job, 'state', 'queued', 'pos', -1)
          redis.call('HDEL', job, 'worker')
          if redis.call('LPUSH', lane, id) == 1 then redis.call('LPUSH', P .. 'rotation', owner) end
          redis.call('INCR', P .. 'waiting')
        end
        if #expired > 0 then
          report_positions(ARGV[1])
          redis.call('PUBLISH', P .. 'queued', 'requeued')
        end
        return expired
        """;
}
