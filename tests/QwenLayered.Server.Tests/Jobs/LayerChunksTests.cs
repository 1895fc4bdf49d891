using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Tests.Jobs;

public class LayerChunksTests
{
    private static JobLayer Layer(int pngBytes) =>
        new(3, "Layer 4", Enumerable.Range(0, pngBytes).Select(i => (byte)i).ToArray(), null) { X = 5, Y = 6, Width = 7, Height = 8 };

    [Fact]
    public void Split_PngWithinOneChunk_IsTheLayerAloneInOnePiece()
    {
        var layer = Layer(10);

        var updates = LayerChunks.Split(layer, chunkBytes: 10).ToList();

        var only = Assert.IsType<JobLayer>(Assert.Single(updates));
        Assert.Equal((1, 10, 5, 6), (only.ChunkCount, only.Png.Length, only.X, only.Y));
    }

    [Fact]
    public void Split_LargePng_IsTheLayerWithTheFirstPieceThenChunksThatJoinBackToThePng()
    {
        var layer = Layer(25);

        var updates = LayerChunks.Split(layer, chunkBytes: 10).ToList();

        var first = Assert.IsType<JobLayer>(updates[0]);
        Assert.Equal((3, 10, 7, 8), (first.ChunkCount, first.Png.Length, first.Width, first.Height));
        var chunks = updates.Skip(1).Cast<JobLayerChunk>().ToList();
        Assert.Equal([(3, 1, 10), (3, 2, 5)], chunks.Select(c => (c.LayerIndex, c.Chunk, c.Data.Length)));
        Assert.Equal(layer.Png.ToArray(), first.Png.ToArray().Concat(chunks.SelectMany(c => c.Data.ToArray())));
    }
}
