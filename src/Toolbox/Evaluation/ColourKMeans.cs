namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// K-means on the RGB colours of RGBA pixels: k-means++ seeding from a fixed seed, then Lloyd iterations, so the same
/// pixels always give the same clusters.
/// </summary>
public static class ColourKMeans
{
    /// <summary>The cluster (0 to <paramref name="k"/> − 1) of every pixel. With fewer distinct colours than
    /// <paramref name="k"/>, the surplus clusters stay empty.</summary>
    public static int[] Cluster(byte[] rgba, int k, int iterations, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        int count = rgba.Length / 4;
        var labels = new int[count];
        if (count == 0) return labels;
        var centres = SeedCentres(rgba, k, new Random(seed));
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            bool changed = false;
            for (int p = 0; p < count; p++)
            {
                int nearest = Nearest(rgba, p, centres).Index;
                changed |= nearest != labels[p];
                labels[p] = nearest;
            }
            if (!changed && iteration > 0) break;
            var sums = new double[centres.Count, 4];
            for (int p = 0; p < count; p++)
            {
                for (int c = 0; c < 3; c++) sums[labels[p], c] += rgba[4 * p + c];
                sums[labels[p], 3]++;
            }
            for (int j = 0; j < centres.Count; j++)
                if (sums[j, 3] > 0)
                    centres[j] = [sums[j, 0] / sums[j, 3], sums[j, 1] / sums[j, 3], sums[j, 2] / sums[j, 3]];
        }
        return labels;
    }

    // k-means++: each next centre is a pixel drawn with probability proportional to its squared distance from the
    // centres so far. It stops early when every pixel already sits on a centre (fewer colours than k).
    private static List<double[]> SeedCentres(byte[] rgba, int k, Random random)
    {
        int count = rgba.Length / 4;
        var centres = new List<double[]> { Colour(rgba, random.Next(count)) };
        var distance = new double[count];
        while (centres.Count < k)
        {
            double total = 0;
            for (int p = 0; p < count; p++) total += distance[p] = Nearest(rgba, p, centres).SquaredDistance;
            if (total == 0) break;
            double target = random.NextDouble() * total;
            int chosen = 0;
            double running = distance[0];
            while (running <= target && chosen < count - 1) running += distance[++chosen];
            centres.Add(Colour(rgba, chosen));
        }
        return centres;
    }

    private static (int Index, double SquaredDistance) Nearest(byte[] rgba, int pixel, List<double[]> centres)
    {
        (int Index, double SquaredDistance) best = (0, double.PositiveInfinity);
        for (int j = 0; j < centres.Count; j++)
        {
            double sum = 0;
            for (int c = 0; c < 3; c++)
            {
                double difference = rgba[4 * pixel + c] - centres[j][c];
                sum += difference * difference;
            }
            if (sum < best.SquaredDistance) best = (j, sum);
        }
        return best;
    }

    private static double[] Colour(byte[] rgba, int pixel) => [rgba[4 * pixel], rgba[4 * pixel + 1], rgba[4 * pixel + 2]];
}
