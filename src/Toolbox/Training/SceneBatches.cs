namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Draws batches of scene indices in which every scene has the same layer count (the transformer's token layout is
/// shared by a batch); layer counts vary from batch to batch in proportion to how many scenes have them.
/// </summary>
internal sealed class SceneBatches(IReadOnlyList<int> layerCounts)
{
    private readonly ILookup<int, int> _byLayers = Enumerable.Range(0, layerCounts.Count).ToLookup(i => layerCounts[i]);

    public int[] Draw(Random random, int batchSize)
    {
        int first = random.Next(layerCounts.Count);
        var sameLayers = _byLayers[layerCounts[first]].ToArray();
        return [first, .. Enumerable.Range(1, batchSize - 1).Select(_ => sameLayers[random.Next(sameLayers.Length)])];
    }
}
