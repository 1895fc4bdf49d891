using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>
/// Bilinear samples of low-resolution maps at the pixels of one tile of the full-resolution canvas (pixel centres
/// aligned, edges clamped: <c>interpolate(align_corners: false)</c>). Each output pixel depends only on its canvas
/// position and the maps, never on the tile around it, so tiles join without seams; the one low-resolution row and
/// column past the tile that the interpolation reads is the tile's halo.
/// </summary>
internal static class TileSampler
{
    /// <summary>[C, h, w] → [C, tile.Height, tile.Width] for a <paramref name="width"/> x <paramref name="height"/> canvas.</summary>
    public static Tensor Sample(Tensor maps, CanvasTile tile, int width, int height)
    {
        using var scope = NewDisposeScope();
        var (top, bottom, down) = Axis(tile.Y, tile.Height, height, (int)maps.shape[1], maps.device);
        var (left, right, across) = Axis(tile.X, tile.Width, width, (int)maps.shape[2], maps.device);
        var rows = maps.index_select(1, top).lerp(maps.index_select(1, bottom), down.view(1, -1, 1));
        return rows.index_select(2, left).lerp(rows.index_select(2, right), across.view(1, 1, -1)).MoveToOuterDisposeScope();
    }

    // For canvas positions start..start+count of `full`, the two neighbouring map positions of `small` and the weight of the second.
    private static (Tensor First, Tensor Second, Tensor Weight) Axis(int start, int count, int full, int small, Device device)
    {
        var first = new long[count];
        var second = new long[count];
        var weight = new float[count];
        double scale = (double)small / full;
        for (int i = 0; i < count; i++)
        {
            double position = Math.Clamp((start + i + 0.5) * scale - 0.5, 0, small - 1);
            first[i] = (long)Math.Floor(position);
            second[i] = Math.Min(first[i] + 1, small - 1);
            weight[i] = (float)(position - first[i]);
        }
        return (tensor(first, device: device), tensor(second, device: device), tensor(weight, device: device));
    }
}
