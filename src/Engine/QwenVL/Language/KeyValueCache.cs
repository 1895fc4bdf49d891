using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// The keys and values every decoder layer has seen so far (after RoPE, before the GQA repeat), so each generated token
/// runs one position through the model instead of the whole sequence. An explicit object, owned by one generation; its
/// tensors live outside any dispose scope until it is disposed.
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly (Tensor Keys, Tensor Values)?[] _layers;

    public KeyValueCache(int layers) => _layers = new (Tensor, Tensor)?[layers];

    /// <summary>Positions cached so far (the same in every layer once a forward pass has completed).</summary>
    public long Length => _layers[^1]?.Keys.shape[2] ?? 0;

    /// <summary>Appends this pass's keys and values <c>[B, kv_heads, T, head_dim]</c>; returns everything cached for the layer.</summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        Tensor allKeys = keys, allValues = values;
        if (_layers[layer] is var (pastKeys, pastValues))
        {
            allKeys = cat([pastKeys, keys], dim: 2);
            allValues = cat([pastValues, values], dim: 2);
            pastKeys.Dispose();
            pastValues.Dispose();
        }
        var stored = (allKeys.detach().DetachFromDisposeScope(), allValues.detach().DetachFromDisposeScope());
        _layers[layer] = stored;
        // Callers get aliases in their own scope, so disposing them never frees the cache's tensors.
        return (stored.Item1.alias(), stored.Item2.alias());
    }

    public void Dispose()
    {
        foreach (var entry in _layers)
        {
            entry?.Keys.Dispose();
            entry?.Values.Dispose();
        }
        Array.Clear(_layers);
    }
}
