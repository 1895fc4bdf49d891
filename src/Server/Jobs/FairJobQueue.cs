namespace QwenLayered.Server.Jobs;

/// <summary>
/// The waiting jobs of every artist, served in fair turns between artists and first-in first-out within one, so one
/// artist's twenty submits do not starve another's one. Bounded as a whole and per artist (their share), so one
/// artist cannot fill it and lock the others out. Safe to use from any thread.
/// </summary>
/// <remarks>
/// Turns are numbered rounds: an artist's waiting jobs are served in consecutive rounds, rounds in order, and within a
/// round jobs in the order they arrived. An artist with nothing waiting joins the round being served (that of the job
/// that started last), or the next one while a job of theirs is running. So a newcomer's first job goes ahead of the
/// next job of an artist whose job is running (plain round-robin, which appends newcomers after the artist just
/// served, puts it behind), and an idle artist has no turns saved up: no artist's round lags the one being served.
/// </remarks>
public sealed class FairJobQueue<TJob>(int capacity, int perArtist) where TJob : class
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Lane> _lanes = [];
    // Jobs handed out and not yet finished, with their artists.
    private readonly Dictionary<TJob, string> _running = new(ReferenceEqualityComparer.Instance);
    private long _round;
    private long _arrivals;
    private readonly SemaphoreSlim _available = new(0);
    private int _count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Jobs one artist may have waiting at once.</summary>
    public int PerArtist { get; } = perArtist > 0 && perArtist <= capacity ? perArtist : throw new ArgumentOutOfRangeException(nameof(perArtist));

    public int Count { get { lock (_gate) return _count; } }

    /// <summary>
    /// Queues a job unless the artist's share or the whole queue is full. <paramref name="position"/> is the jobs
    /// that will be served before it; -1 when it was refused.
    /// </summary>
    public Admission Enqueue(string artist, TJob job, out int position)
    {
        position = -1;
        lock (_gate)
        {
            _lanes.TryGetValue(artist, out var lane);
            if ((lane?.Jobs.Count ?? 0) >= PerArtist) return Admission.ShareFull;
            if (_count >= Capacity) return Admission.QueueFull;
            if (lane is null) _lanes[artist] = lane = new Lane(_running.ContainsValue(artist) ? _round + 1 : _round);
            lane.Jobs.Add(new Waiting(job, _arrivals++));
            _count++;
            position = BuildServiceOrder().IndexOf(job);
        }
        _available.Release();
        return Admission.Queued;
    }

    /// <summary>Waits for the next job in fair order; call <see cref="Finished"/> when it has ended.</summary>
    public async Task<TJob> DequeueAsync(CancellationToken cancellation)
    {
        while (true)
        {
            await _available.WaitAsync(cancellation);
            lock (_gate)
            {
                // A removed job leaves a spare signal behind; then there may be nothing to take.
                if (_count == 0) continue;
                var (artist, lane) = _lanes.MinBy(l => (l.Value.FirstRound, l.Value.Jobs[0].Arrival));
                _round = lane.FirstRound;
                var next = lane.Jobs[0].Job;
                lane.Jobs.RemoveAt(0);
                lane.FirstRound++;
                if (lane.Jobs.Count == 0) _lanes.Remove(artist);
                _count--;
                _running[next] = artist;
                return next;
            }
        }
    }

    /// <summary>
    /// Takes a waiting job out of the queue; false when it is not waiting (already taken or never queued). The
    /// artist's later jobs move up a round each, so a cancelled job costs its artist no turn.
    /// </summary>
    public bool TryRemove(string artist, TJob job)
    {
        lock (_gate)
        {
            if (!_lanes.TryGetValue(artist, out var lane)) return false;
            int index = lane.Jobs.FindIndex(w => ReferenceEquals(w.Job, job));
            if (index < 0) return false;
            lane.Jobs.RemoveAt(index);
            if (lane.Jobs.Count == 0) _lanes.Remove(artist);
            _count--;
            return true;
        }
    }

    /// <summary>Tells the queue that a job it handed out has ended; any other job is ignored.</summary>
    public void Finished(TJob job)
    {
        lock (_gate) _running.Remove(job);
    }

    /// <summary>Every waiting job in the order it will be served (unless other jobs arrive).</summary>
    public IReadOnlyList<TJob> ServiceOrder()
    {
        lock (_gate) return BuildServiceOrder();
    }

    // By round, then by arrival: the order DequeueAsync takes them in, since each artist's rounds rise along its lane.
    private List<TJob> BuildServiceOrder() =>
        [.. _lanes.Values
            .SelectMany(lane => lane.Jobs.Select((waiting, i) => (Round: lane.FirstRound + i, waiting.Arrival, waiting.Job)))
            .OrderBy(w => (w.Round, w.Arrival))
            .Select(w => w.Job)];

    private readonly record struct Waiting(TJob Job, long Arrival);

    // One artist's waiting jobs, first-in first-out: the first is served in FirstRound, each next one a round later.
    private sealed class Lane(long firstRound)
    {
        public long FirstRound { get; set; } = firstRound;
        public List<Waiting> Jobs { get; } = [];
    }
}
