using QwenLayered.Engine.Imaging;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// A colour-segmentation baseline: k-means on RGB with k = the requested layer count; each cluster becomes a layer
/// holding its pixels with their own colours and alpha (fully transparent elsewhere), so the layers recomposite to
/// the image. The largest cluster is taken for the background and goes at the bottom, then the others by size.
/// </summary>
public sealed class KMeansColourBaseline(int iterations = 20, int seed = 0) : ILayerDecomposer
{
    public string Name => "k-means colour";

    public IReadOnlyList<RgbaImage> Decompose(RgbaImage image, int layers)
    {
        var labels = ColourKMeans.Cluster(image.Pixels, layers, iterations, seed);
        var sizes = new int[layers];
        foreach (int label in labels) sizes[label]++;
        // Ties keep the cluster order, so the result stays deterministic.
        var bottomToTop = Enumerable.Range(0, layers).OrderByDescending(cluster => sizes[cluster]).ToList();
        return [.. bottomToTop.Select(cluster => Layer(image, labels, cluster))];
    }

    private static RgbaImage Layer(RgbaImage image, int[] labels, int cluster)
    {
        var pixels = new byte[image.Pixels.Length];
        for (int p = 0; p < labels.Length; p++)
            if (labels[p] == cluster)
                Array.Copy(image.Pixels, 4 * p, pixels, 4 * p, 4);
        return new RgbaImage(image.Width, image.Height, pixels);
    }
}
