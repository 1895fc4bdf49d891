namespace QwenLayered.Engine.Runtime;

/// <summary>
/// A least-recently-used map of bounded size. An entry that is replaced or evicted goes to <c>onEvict</c> (to dispose
/// what the cache owns). Not thread-safe; owners serialise access.
/// </summary>
internal sealed class LruCache<TKey, TValue>(int capacity, Action<TValue>? onEvict = null) where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _index = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _recency = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A cache needs room for at least one entry.");

    public int Count => _index.Count;

    /// <summary>The cached value, now the most recently used, if there is one.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_index.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Stores <paramref name="value"/> as the most recently used, evicting the least recently used beyond capacity.</summary>
    public void Add(TKey key, TValue value)
    {
        if (_index.Remove(key, out var existing)) Evict(existing);
        _index[key] = _recency.AddFirst((key, value));
        while (_index.Count > Capacity)
        {
            var oldest = _recency.Last!;
            _index.Remove(oldest.Value.Key);
            Evict(oldest);
        }
    }

    public void Clear()
    {
        foreach (var entry in _recency) onEvict?.Invoke(entry.Value);
        _recency.Clear();
        _index.Clear();
    }

    private void Evict(LinkedListNode<(TKey Key, TValue Value)> node)
    {
        _recency.Remove(node);
        onEvict?.Invoke(node.Value.Value);
    }
}
