using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

public class PromptEmbeddingCacheTests
{
    [Fact]
    public void Add_BeyondCapacity_EvictsAndDisposesTheLeastRecentlyUsed()
    {
        using var cache = new PromptEmbeddingCache(2);
        var a = Embedding();
        var b = Embedding();
        cache.Add("a", 512, a);
        cache.Add("b", 512, b);
        Assert.True(cache.TryGet("a", 512, out _));

        cache.Add("c", 512, Embedding());

        Assert.False(cache.TryGet("b", 512, out _));
        Assert.True(b.Embeds.IsInvalid);
        Assert.True(cache.TryGet("a", 512, out var kept));
        Assert.Same(a, kept);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void TryGet_SamePromptOtherMaxSequenceLength_Misses()
    {
        using var cache = new PromptEmbeddingCache(2);
        cache.Add("a", 512, Embedding());

        Assert.False(cache.TryGet("a", 8, out _));
    }

    [Fact]
    public void Constructor_CapacityBelowTwo_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptEmbeddingCache(1));
    }

    private static PromptEmbedding Embedding() => new(zeros(1, 3, 4), null);
}
