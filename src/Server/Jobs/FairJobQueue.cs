namespace QwenLayered.Server.Jobs;

/// <summary>
/// The waiting jobs of every artist, served round-robin between artists and first-in first-out within one,
/// so one artist's twenty submits do not starve another's one. Bounded; safe to use from any thread.
/// </summary>
public sealed class FairJobQueue<TJob>(int capacity) where TJob : class
{
    private readonly object _gate = new();
    // Artists with waiting jobs, in the order they will next be served.
    private readonly LinkedList<string> _turns = new();
    private readonly Dictionary<string, Queue<TJob>> _waiting = new();
    private readonly SemaphoreSlim _available = new(0);
    private int _count;

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count { get { lock (_gate) return _count; } }

    /// <summary>Queues a job; false when the queue is full. <paramref name="position"/> is the jobs ahead of it, or of the full queue.</summary>
    public bool TryEnqueue(string artist, TJob job, out int position)
    {
        lock (_gate)
        {
            if (_count >= Capacity)
            {
                position = _count;
                return false;
            }
            if (!_waiting.TryGetValue(artist, out var jobs))
            {
                _waiting[artist] = jobs = new Queue<TJob>();
                _turns.AddLast(artist);
            }
            jobs.Enqueue(job);
            _count++;
            position = IndexInServiceOrder(job);
        }
        _available.Release();
        return true;
    }

    /// <summary>Waits for the next job in fair order.</summary>
    public async Task<TJob> DequeueAsync(CancellationToken cancellation)
    {
        while (true)
        {
            await _available.WaitAsync(cancellation);
            lock (_gate)
            {
                // A removed job leaves a spare signal behind; then there may be nothing to take.
                if (_turns.First is not { } turn) continue;
                var jobs = _waiting[turn.Value];
                var job = jobs.Dequeue();
                _count--;
                _turns.RemoveFirst();
                if (jobs.Count > 0) _turns.AddLast(turn.Value);
                else _waiting.Remove(turn.Value);
                return job;
            }
        }
    }

    /// <summary>Takes a waiting job out of the queue; false when it is not waiting (already taken or never queued).</summary>
    public bool TryRemove(string artist, TJob job)
    {
        lock (_gate)
        {
            if (!_waiting.TryGetValue(artist, out var jobs) || !jobs.Contains(job)) return false;
            var rest = jobs.Where(j => !ReferenceEquals(j, job)).ToList();
            jobs.Clear();
            foreach (var j in rest) jobs.Enqueue(j);
            _count--;
            if (jobs.Count == 0)
            {
                _waiting.Remove(artist);
                _turns.Remove(artist);
            }
            return true;
        }
    }

    /// <summary>Every waiting job in the order it will be served.</summary>
    public IReadOnlyList<TJob> ServiceOrder()
    {
        lock (_gate) return BuildServiceOrder();
    }

    private int IndexInServiceOrder(TJob job)
    {
        var order = BuildServiceOrder();
        for (int i = 0; i < order.Count; i++)
            if (ReferenceEquals(order[i], job)) return i;
        return -1;
    }

    // Round-robin: the first job of each artist in turn order, then the second of each, and so on.
    private List<TJob> BuildServiceOrder()
    {
        var lanes = _turns.Select(artist => _waiting[artist].ToList()).ToList();
        var order = new List<TJob>(_count);
        for (int round = 0; order.Count < _count; round++)
            foreach (var lane in lanes)
                if (round < lane.Count) order.Add(lane[round]);
        return order;
    }
}
