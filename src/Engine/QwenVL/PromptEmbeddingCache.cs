using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Least-recently-used store of prompt embeddings keyed by prompt text and <c>max_sequence_length</c>, so repeated
/// prompts (and the constant negative prompt) skip the text encoder. It owns what it holds: an evicted embedding is
/// disposed. Not thread-safe; <see cref="PromptEncoder"/> serialises access.
/// </summary>
internal sealed class PromptEmbeddingCache : IDisposable
{
    private readonly LruCache<(string Prompt, int MaxSequenceLength), PromptEmbedding> _entries;

    /// <param name="capacity">At least 2, so one job's prompt and negative prompt never evict each other.</param>
    public PromptEmbeddingCache(int capacity)
    {
        if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The prompt cache needs room for at least 2 prompts.");
        _entries = new(capacity, embedding => embedding.Dispose());
    }

    public int Capacity => _entries.Capacity;

    public int Count => _entries.Count;

    /// <summary>The cached embedding, now the most recently used, if there is one.</summary>
    public bool TryGet(string prompt, int maxSequenceLength, out PromptEmbedding embedding) =>
        _entries.TryGet((prompt, maxSequenceLength), out embedding);

    /// <summary>Stores <paramref name="embedding"/> (taking ownership), evicting and disposing the least recently used beyond capacity.</summary>
    public void Add(string prompt, int maxSequenceLength, PromptEmbedding embedding) => _entries.Add((prompt, maxSequenceLength), embedding);

    public void Clear() => _entries.Clear();

    public void Dispose() => Clear();
}
