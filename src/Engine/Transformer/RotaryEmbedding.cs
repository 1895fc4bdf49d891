using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>The image and text rotation tables of one forward call.</summary>
internal sealed record RotaryTables(RotaryTable Image, RotaryTable Text);

/// <summary>
/// RoPE of the Qwen-Image transformer (diffusers <c>pos_embed</c>, theta 10000): angle <c>p · theta^(−2j/d)</c> per
/// axis with dims <c>axes_dims_rope</c>, laid out per token as [frame | row | column]. Tables depend only on the
/// token layout, so they are cached per (grids, text length) on the model's device, outside the state dict.
/// </summary>
internal sealed class RotaryEmbedding(int[] axesDims, bool layered, Device? device) : IDisposable
{
    private const double Theta = 10000;
    private const int CacheCapacity = 16;
    private readonly Dictionary<string, RotaryTables> cache = [];

    public RotaryTables For(IReadOnlyList<TokenGrid> grids, int textLength)
    {
        string key = $"{string.Join(",", grids)}|{textLength}";
        if (cache.TryGetValue(key, out var tables))
            return tables;
        if (cache.Count >= CacheCapacity)
            Clear();
        tables = new RotaryTables(
            Build(RopePositions.Image(grids, layered)),
            Build(RopePositions.Text(grids, textLength, layered)));
        cache[key] = tables;
        return tables;
    }

    private RotaryTable Build(RopePosition[] positions)
    {
        using var scope = NewDisposeScope();
        var axes = new[]
        {
            positions.Select(p => p.Frame).ToArray(),
            positions.Select(p => p.Row).ToArray(),
            positions.Select(p => p.Column).ToArray(),
        };
        var angles = cat([.. axes.Select((axis, a) => AxisAngles(axis, axesDims[a]))], 1);
        // Detached: the tables outlive this call and are disposed by Clear.
        return new RotaryTable(cos(angles).DetachFromDisposeScope(), sin(angles).DetachFromDisposeScope());
    }

    /// <summary>[S, d/2] angles; fp32 throughout, in the reference's operation order (pow, reciprocal, outer).</summary>
    private Tensor AxisAngles(int[] positions, int dim)
    {
        var exponents = arange(Kept(0), Kept(dim), Kept(2), dtype: ScalarType.Float32, device: device) / Kept(dim);
        var frequencies = pow(tensor(Theta, ScalarType.Float32, device), exponents).reciprocal();
        return outer(tensor(positions, ScalarType.Float32, device: device), frequencies);
    }

    private void Clear()
    {
        foreach (var tables in cache.Values)
        {
            tables.Image.Dispose();
            tables.Text.Dispose();
        }
        cache.Clear();
    }

    public void Dispose() => Clear();
}
