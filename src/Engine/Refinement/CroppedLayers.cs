using QwenLayered.Engine.Imaging;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>
/// Full-resolution layers assembled tile by tile, each cropped to its alpha bounds: first every tile's alphas widen
/// the bounds (<see cref="Include"/>), then every tile's pixels are copied into the cropped layers (<see cref="Write"/>).
/// A layer that stays fully transparent becomes one transparent pixel at (0, 0), since files cannot hold empty layers.
/// </summary>
internal sealed class CroppedLayers(int count)
{
    private readonly (int Left, int Top, int Right, int Bottom)[] _extent =
        [.. Enumerable.Repeat((int.MaxValue, int.MaxValue, -1, -1), count)];
    private AlphaBounds[] _bounds = [];
    private byte[][] _rgba8 = [];
    private ushort[][]? _rgba16;

    /// <summary>Widens each layer's bounds by where its alphas [N, th, tw] in <paramref name="tile"/> are above 0.</summary>
    public void Include(CanvasTile tile, Tensor alphas)
    {
        using var scope = NewDisposeScope();
        var covered = alphas.gt(Kept(0f));
        var rows = covered.any(2).cpu();
        var columns = covered.any(1).cpu();
        for (int layer = 0; layer < _extent.Length; layer++)
        {
            var (first, last) = Span(rows[layer].data<bool>().ToArray());
            if (last < 0) continue;
            var (left, right) = Span(columns[layer].data<bool>().ToArray());
            var e = _extent[layer];
            _extent[layer] = (Math.Min(e.Left, tile.X + left), Math.Min(e.Top, tile.Y + first),
                Math.Max(e.Right, tile.X + right), Math.Max(e.Bottom, tile.Y + last));
        }
    }

    /// <summary>Fixes the bounds and makes the cropped layers, transparent until written.</summary>
    public void Allocate(bool sixteenBit)
    {
        _bounds = [.. _extent.Select(e => e.Right < 0 ? new AlphaBounds(0, 0, 1, 1)
            : new AlphaBounds(e.Left, e.Top, e.Right - e.Left + 1, e.Bottom - e.Top + 1))];
        _rgba8 = [.. _bounds.Select(b => new byte[b.Width * b.Height * 4])];
        _rgba16 = sixteenBit ? [.. _bounds.Select(b => new ushort[b.Width * b.Height * 4])] : null;
    }

    /// <summary>Whether any layer's bounds reach into <paramref name="tile"/>.</summary>
    public bool Needs(CanvasTile tile) => _bounds.Any(b => tile.Overlaps(new CanvasTile(b.X, b.Y, b.Width, b.Height)));

    /// <summary>Copies a tile's 8-bit pixels (N·th·tw·4 values, layer-major, row-major) into the cropped layers.</summary>
    public void Write(CanvasTile tile, byte[] pixels) => Copy(tile, pixels, _rgba8);

    /// <summary>Copies a tile's 16-bit pixels, as <see cref="Write(CanvasTile, byte[])"/>.</summary>
    public void Write(CanvasTile tile, ushort[] pixels) => Copy(tile, pixels, _rgba16!);

    private void Copy<T>(CanvasTile tile, T[] pixels, T[][] layers)
    {
        for (int layer = 0; layer < layers.Length; layer++)
        {
            var b = _bounds[layer];
            int left = Math.Max(tile.X, b.X), right = Math.Min(tile.Right, b.X + b.Width);
            int top = Math.Max(tile.Y, b.Y), bottom = Math.Min(tile.Bottom, b.Y + b.Height);
            if (right <= left) continue;
            for (int y = top; y < bottom; y++)
            {
                int from = ((layer * tile.Height + y - tile.Y) * tile.Width + left - tile.X) * 4;
                int to = ((y - b.Y) * b.Width + left - b.X) * 4;
                Array.Copy(pixels, from, layers[layer], to, (right - left) * 4);
            }
        }
    }

    /// <summary>The finished layers, bottom first, at their offsets.</summary>
    public IReadOnlyList<RefinedLayer> Layers() => [.. _bounds.Select((b, i) => new RefinedLayer(b.X, b.Y, b.Width, b.Height, _rgba8[i], _rgba16?[i]))];

    // The first and last true index, (int.MaxValue, -1) when none.
    private static (int First, int Last) Span(bool[] flags) =>
        (Array.IndexOf(flags, true) is var first and >= 0 ? first : int.MaxValue, Array.LastIndexOf(flags, true));
}
