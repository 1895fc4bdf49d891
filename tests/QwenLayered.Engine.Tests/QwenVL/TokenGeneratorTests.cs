using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

public class TokenGeneratorTests
{
    [Fact]
    public void Generate_WithAndWithoutKvCache_GivesTheSameTokens()
    {
        using var tiny = TinyCaptionModel.Create();
        using var prompt = tiny.Prompt();
        var model = tiny.Model;
        var settings = GenerationSettings.Greedy() with { MaxNewTokens = 12 };

        var cached = TokenGenerator.Generate(model, prompt, settings, useCache: true, cancellation: TestContext.Current.CancellationToken);
        var recomputed = TokenGenerator.Generate(model, prompt, settings, useCache: false, cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(12, cached.Count);
        Assert.Equal(recomputed, cached);
    }

    [Fact]
    public void Generate_StopTokenComesUp_StopsBeforeItAndLeavesItOut()
    {
        using var tiny = TinyCaptionModel.Create();
        using var prompt = tiny.Prompt();
        var model = tiny.Model;
        var free = TokenGenerator.Generate(model, prompt, GenerationSettings.Greedy() with { MaxNewTokens = 12 }, cancellation: TestContext.Current.CancellationToken);
        int firstNew = Enumerable.Range(1, free.Count - 1).First(i => !free.Take(i).Contains(free[i]));
        var settings = GenerationSettings.Greedy((int)free[firstNew]) with { MaxNewTokens = 12 };

        var stopped = TokenGenerator.Generate(model, prompt, settings, cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(free.Take(firstNew), stopped);
    }

    [Fact]
    public void Generate_CancelledAfterTheSecondToken_ThrowsBeforeTheThird()
    {
        using var tiny = TinyCaptionModel.Create();
        using var prompt = tiny.Prompt();
        var model = tiny.Model;
        using var cancellation = new CancellationTokenSource();
        var reported = new List<CaptionProgress>();

        Assert.Throws<OperationCanceledException>(() => TokenGenerator.Generate(model, prompt, GenerationSettings.Greedy() with { MaxNewTokens = 12 },
            progress: p => { reported.Add(p); if (p.Tokens == 2) cancellation.Cancel(); }, cancellation: cancellation.Token));

        Assert.Equal([1, 2], reported.Select(p => p.Tokens));
        Assert.All(reported, p => Assert.Equal(12, p.MaxTokens));
    }

    [Fact]
    public void Generate_NoStopToken_StopsAtMaxNewTokens()
    {
        using var tiny = TinyCaptionModel.Create();
        using var prompt = tiny.Prompt();
        var model = tiny.Model;

        var tokens = TokenGenerator.Generate(model, prompt, GenerationSettings.Greedy() with { MaxNewTokens = 3 }, cancellation: TestContext.Current.CancellationToken);

        Assert.Equal(3, tokens.Count);
    }
}
