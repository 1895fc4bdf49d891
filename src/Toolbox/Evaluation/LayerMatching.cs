namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// Pairs predicted layers with ground-truth layers one to one so that the total IoU is the largest possible (the
/// assignment problem, solved exactly with the Hungarian method; a greedy pairing can lose when one predicted layer
/// is the best fit of two ground-truth layers).
/// </summary>
public static class LayerMatching
{
    /// <param name="iou">[ground truth, predicted] IoU of every pair.</param>
    /// <returns>For each ground-truth layer, the index of its predicted layer, or −1 when there are fewer predicted
    /// layers than ground-truth ones and it has none.</returns>
    public static int[] Best(double[,] iou)
    {
        int truths = iou.GetLength(0), predictions = iou.GetLength(1);
        int n = Math.Max(truths, predictions);
        // Square cost matrix (1-based, as the method is usually written): missing rows/columns are dummies with IoU 0.
        var cost = new double[n + 1, n + 1];
        for (int t = 0; t < truths; t++)
            for (int p = 0; p < predictions; p++)
                cost[t + 1, p + 1] = -iou[t, p];

        var rowPotential = new double[n + 1];
        var columnPotential = new double[n + 1];
        var rowOfColumn = new int[n + 1];
        var way = new int[n + 1];
        for (int row = 1; row <= n; row++)
        {
            rowOfColumn[0] = row;
            int column = 0;
            var slack = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[column] = true;
                int currentRow = rowOfColumn[column], next = 0;
                double delta = double.PositiveInfinity;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    double reduced = cost[currentRow, j] - rowPotential[currentRow] - columnPotential[j];
                    if (reduced < slack[j]) (slack[j], way[j]) = (reduced, column);
                    if (slack[j] < delta) (delta, next) = (slack[j], j);
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        rowPotential[rowOfColumn[j]] += delta;
                        columnPotential[j] -= delta;
                    }
                    else
                    {
                        slack[j] -= delta;
                    }
                }
                column = next;
            }
            while (rowOfColumn[column] != 0);
            do
            {
                int previous = way[column];
                rowOfColumn[column] = rowOfColumn[previous];
                column = previous;
            }
            while (column != 0);
        }

        var match = Enumerable.Repeat(-1, truths).ToArray();
        for (int j = 1; j <= predictions; j++)
        {
            int truth = rowOfColumn[j] - 1;
            if (truth < truths) match[truth] = j - 1;
        }
        return match;
    }
}
