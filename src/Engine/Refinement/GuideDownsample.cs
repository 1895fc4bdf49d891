using QwenLayered.Engine.Imaging;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>
/// The original's guide colour (<see cref="OriginalPixels.Guide"/>) averaged down to the layers' working size: each
/// small pixel the mean of the full-resolution area it covers. Read in strips of rows, so a 50 MP original is never
/// on the device whole.
/// </summary>
internal static class GuideDownsample
{
    /// <summary>[3, <paramref name="height"/>, <paramref name="width"/>] float32 on <paramref name="device"/>.</summary>
    public static Tensor Of(RgbaImage original, int width, int height, int stripRows, Device device)
    {
        using var scope = NewDisposeScope();
        var across = AreaWeights(original.Width, width, device).t();   // [W, w]
        var down = AreaWeights(original.Height, height, device);       // [h, H]
        var sum = zeros([3, height, width], device: device);
        foreach (var strip in CanvasTile.Cover(1, original.Height, stripRows))
        {
            using var step = NewDisposeScope();
            var rows = OriginalPixels.Guide(OriginalPixels.Read(original, strip with { Width = original.Width }, false, device));
            var narrowed = rows.matmul(across);                                                    // [3, s, w]
            sum.add_(down.narrow(1, strip.Y, strip.Height).unsqueeze(0).matmul(narrowed), Kept(1));
        }
        return sum.MoveToOuterDisposeScope();
    }

    // [small, full]: how much of full-resolution position j falls in small position i, rows summing to 1.
    private static Tensor AreaWeights(int full, int small, Device device)
    {
        var weights = new float[small * full];
        double step = (double)full / small;
        for (int i = 0; i < small; i++)
        {
            double start = i * step, end = (i + 1) * step;
            for (int j = (int)Math.Floor(start); j < Math.Min(full, (int)Math.Ceiling(end)); j++)
                weights[i * full + j] = (float)((Math.Min(end, j + 1) - Math.Max(start, j)) / step);
        }
        return tensor(weights, [small, full], device: device);
    }
}
