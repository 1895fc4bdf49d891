using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class LayerCountScoreTests
{
    private static LayeredScene SceneOf(int layers) =>
        new(1, 1, [.. Enumerable.Range(0, layers).Select(i => new SceneLayer($"layer {i}", new byte[4]))], new byte[4]);

    [Fact]
    public void Of_ChosenCounts_IsTheExactRateAndTheMeanAbsoluteError()
    {
        var score = LayerCountScore.Of("method", [SceneOf(2), SceneOf(3), SceneOf(4), SceneOf(4)], [2, 4, 1, 4], fromModel: 1);

        Assert.Equal(new LayerCountScore("method", 4, 0.5, 1.0, 1), score);
    }

    [Fact]
    public void ToMarkdown_Scores_IsOneRowEach()
    {
        string table = LayerCountScore.ToMarkdown([new LayerCountScore("always 4", 10, 0.3, 1.25, 0)]);

        Assert.Contains("| always 4 | 10 | 30 % | 1.25 | 0 |", table);
    }
}
