using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class LayerMatchingTests
{
    [Fact]
    public void Best_GreedyWouldTakeTheLargestPairFirst_PicksTheLargerTotal()
    {
        // Greedy takes 0↔0 (0.9), leaving 1↔1 (0.1): 1.0 in all. Crossing them gives 0.8 + 0.85 = 1.65.
        var iou = new[,] { { 0.9, 0.8 }, { 0.85, 0.1 } };

        Assert.Equal([1, 0], LayerMatching.Best(iou));
    }

    [Fact]
    public void Best_FewerPredictionsThanTruths_LeavesTheWorseFitUnmatched()
    {
        Assert.Equal([-1, 0], LayerMatching.Best(new[,] { { 0.2 }, { 0.7 } }));
    }

    [Fact]
    public void Best_MorePredictionsThanTruths_IgnoresTheExtraOnes()
    {
        Assert.Equal([1], LayerMatching.Best(new[,] { { 0.1, 0.6, 0.3 } }));
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(3, 6)]
    [InlineData(6, 3)]
    public void Best_SeededRandomMatrices_ReachesTheBruteForceOptimum(int truths, int predictions)
    {
        var random = new Random(truths * 31 + predictions);
        for (int trial = 0; trial < 20; trial++)
        {
            var iou = new double[truths, predictions];
            for (int t = 0; t < truths; t++)
                for (int p = 0; p < predictions; p++)
                    iou[t, p] = random.NextDouble();

            var match = LayerMatching.Best(iou);

            Assert.Equal(match.Where(p => p >= 0).Count(), match.Where(p => p >= 0).Distinct().Count());
            Assert.Equal(BruteForceBest(iou, 0, new bool[predictions]), match.Select((p, t) => p < 0 ? 0 : iou[t, p]).Sum(), 9);
        }
    }

    // Every way to give each truth a distinct prediction or none.
    private static double BruteForceBest(double[,] iou, int truth, bool[] taken)
    {
        if (truth == iou.GetLength(0)) return 0;
        double best = BruteForceBest(iou, truth + 1, taken);
        for (int p = 0; p < taken.Length; p++)
        {
            if (taken[p]) continue;
            taken[p] = true;
            best = Math.Max(best, iou[truth, p] + BruteForceBest(iou, truth + 1, taken));
            taken[p] = false;
        }
        return best;
    }
}
