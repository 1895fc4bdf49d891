namespace QwenLayered.Engine.Text;

/// <summary>
/// Least-recently-used store of prompt embeddings keyed by prompt text and <c>max_sequence_length</c>, so repeated
/// prompts (and the constant negative prompt) skip the text encoder. It owns what it holds: an evicted embedding is
/// disposed. Not thread-safe; <see cref="PromptEncoder"/> serialises access.
/// </summary>
internal sealed class PromptEmbeddingCache : IDisposable
{
    private readonly Dictionary<(string Prompt, int MaxSequenceLength), LinkedListNode<Entry>> _index = [];
    private readonly LinkedList<Entry> _recency = new();

    /// <param name="capacity">At least 2, so one job's prompt and negative prompt never evict each other.</param>
    public PromptEmbeddingCache(int capacity)
    {
        if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The prompt cache needs room for at least 2 prompts.");
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _index.Count;

    /// <summary>The cached embedding, now the most recently used, if there is one.</summary>
    public bool TryGet(string prompt, int maxSequenceLength, out PromptEmbedding embedding)
    {
        if (_index.TryGetValue((prompt, maxSequenceLength), out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            embedding = node.Value.Embedding;
            return true;
        }
        embedding = null!;
        return false;
    }

    /// <summary>Stores <paramref name="embedding"/> (taking ownership), evicting and disposing the least recently used beyond capacity.</summary>
    public void Add(string prompt, int maxSequenceLength, PromptEmbedding embedding)
    {
        var key = (prompt, maxSequenceLength);
        if (_index.Remove(key, out var existing)) Evict(existing);
        _index[key] = _recency.AddFirst(new Entry(key, embedding));
        while (_index.Count > Capacity)
        {
            var oldest = _recency.Last!;
            _index.Remove(oldest.Value.Key);
            Evict(oldest);
        }
    }

    public void Clear()
    {
        foreach (var entry in _recency) entry.Embedding.Dispose();
        _recency.Clear();
        _index.Clear();
    }

    public void Dispose() => Clear();

    private void Evict(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        node.Value.Embedding.Dispose();
    }

    private sealed record Entry((string Prompt, int MaxSequenceLength) Key, PromptEmbedding Embedding);
}
