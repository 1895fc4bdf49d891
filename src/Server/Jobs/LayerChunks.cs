namespace QwenLayered.Server.Jobs;

/// <summary>
/// Splits a layer's PNG into events that each fit a gRPC message of the default 4 MB with room to spare, so a large
/// layer streams (and is stored and replayed) as a run of events instead of one message past every client's limit.
/// </summary>
public static class LayerChunks
{
    /// <summary>The most PNG bytes one event carries.</summary>
    public const int ChunkBytes = 2 * 1024 * 1024;

    /// <summary>The layer's event holding the first piece and its chunk count, then one event per further piece.</summary>
    /// <param name="layer">The layer's event with its whole PNG.</param>
    public static IEnumerable<JobUpdate> Split(JobLayer layer, int chunkBytes = ChunkBytes)
    {
        var png = layer.Png;
        int count = Math.Max(1, (png.Length + chunkBytes - 1) / chunkBytes);
        yield return layer with { Png = png[..Math.Min(png.Length, chunkBytes)], ChunkCount = count };
        for (int chunk = 1; chunk < count; chunk++)
        {
            int start = chunk * chunkBytes;
            yield return new JobLayerChunk(layer.Index, chunk, png[start..Math.Min(png.Length, start + chunkBytes)]);
        }
    }
}
