using QwenLayered.Engine.Imaging;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>
/// Turns layers decoded at the working size into layers at the original's full resolution that stack back to it:
/// alphas upsampled along the original's edges (<see cref="GuidedAlphaFilter"/>), then, pixel by pixel, alphas and
/// colours solved so that stacking the quantized layers with "over" gives the original's pixels
/// (<see cref="RestackSolver"/>); what the model painted behind the layers in front keeps its (upsampled) colour.
/// Pure image math on the device the layers are on, done in square tiles so memory stays bounded whatever the size.
/// </summary>
public static class LayerRefinement
{
    /// <summary>
    /// Tile side in pixels. A tile of N layers holds at most about N·60 float32 values a pixel at once (the colour
    /// solve's temporaries), about 63 MB a layer at 512: 250 MB for 4 layers, whatever the image's size.
    /// </summary>
    public const int DefaultTileSize = 512;

    /// <summary>
    /// The layers [N, 4, h, w] in [−1, 1] (bottom first, at any working size) at <paramref name="original"/>'s size,
    /// each cropped to its alpha bounds at its offset; with 16-bit pixels too when <paramref name="sixteenBit"/>
    /// (from the original's <see cref="RgbaImage.Pixels16"/> when it has them), which restack exactly at 16 bits.
    /// </summary>
    public static IReadOnlyList<RefinedLayer> Refine(RgbaImage original, Tensor decoded, bool sixteenBit, int tileSize = DefaultTileSize)
    {
        if (decoded.dim() != 4 || decoded.shape[1] != 4)
            throw new ArgumentException($"Expected decoded layers [N, 4, H, W], got [{string.Join(", ", decoded.shape)}].");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var maps = LowResolutionMaps(original, decoded, tileSize);
        int count = (int)decoded.shape[0];
        int[] depths = sixteenBit ? [255, 65535] : [255];
        var layers = new CroppedLayers(count);
        var tiles = CanvasTile.Cover(original.Width, original.Height, tileSize).ToList();
        foreach (var tile in tiles)
        {
            using var step = NewDisposeScope();
            var work = new RefinementTile(original, tile, maps, count);
            foreach (int levels in depths) layers.Include(tile, work.Alphas(levels).view(count, tile.Height, tile.Width));
        }
        layers.Allocate(sixteenBit);
        foreach (var tile in tiles.Where(layers.Needs))
        {
            using var step = NewDisposeScope();
            var work = new RefinementTile(original, tile, maps, count);
            layers.Write(tile, work.Pixels(255).to(ScalarType.Byte).cpu().data<byte>().ToArray());
            if (sixteenBit)
                layers.Write(tile, [.. work.Pixels(65535).to(ScalarType.Int32).cpu().data<int>().ToArray().Select(v => (ushort)v)]);
        }
        return layers.Layers();
    }

    // [N·8, h, w]: per layer the guided filter's coefficients (4), then the model's premultiplied RGBA (4).
    private static Tensor LowResolutionMaps(RgbaImage original, Tensor decoded, int stripRows)
    {
        using var scope = NewDisposeScope();
        long count = decoded.shape[0], height = decoded.shape[2], width = decoded.shape[3];
        var unit = (decoded.to(ScalarType.Float32) * Kept(0.5f)).Plus(Kept(0.5f)).clamp(Kept(0f), Kept(1f));
        var alpha = unit[.., 3..4];
        var guide = GuideDownsample.Of(original, (int)width, (int)height, stripRows, decoded.device);
        var coefficients = GuidedAlphaFilter.Coefficients(guide, alpha);
        return cat([coefficients, unit[.., ..3] * alpha, alpha], 1).view(count * 8, height, width).MoveToOuterDisposeScope();
    }

    // One tile's refined alphas and model colours, solved at 8 or 16 bits on demand.
    private sealed class RefinementTile
    {
        private readonly RgbaImage _original;
        private readonly CanvasTile _tile;
        private readonly Tensor _alphas;
        private readonly Tensor _colours;

        public RefinementTile(RgbaImage original, CanvasTile tile, Tensor maps, int count)
        {
            (_original, _tile) = (original, tile);
            var device = maps.device;
            var sampled = TileSampler.Sample(maps, tile, original.Width, original.Height).view(count, 8, tile.Height, tile.Width);
            var guide = OriginalPixels.Guide(OriginalPixels.Read(original, tile, false, device));
            _alphas = GuidedAlphaFilter.Apply(sampled[.., ..4], guide).view(count, -1);
            var premultiplied = sampled[.., 4..8].reshape(count, 4, -1);
            var modelAlpha = premultiplied[.., 3..4];
            _colours = (premultiplied[.., ..3] / modelAlpha.clamp_min(Kept(1e-6f))).clamp(Kept(0f), Kept(1f));
        }

        /// <summary>The quantized alphas [N, P].</summary>
        public Tensor Alphas(int levels) => RestackSolver.Alphas(_alphas, Original(levels)[3], levels);

        /// <summary>The quantized straight RGBA [N, th, tw, 4] as whole numbers of <paramref name="levels"/>; colour 0 where alpha is.</summary>
        public Tensor Pixels(int levels)
        {
            var original = Original(levels);
            var alphas = RestackSolver.Alphas(_alphas, original[3], levels);
            var colours = RestackSolver.Colours(alphas, _colours, original[..3], levels) * alphas.gt(Kept(0f)).unsqueeze(1).to(ScalarType.Float32);
            var rgba = cat([colours, alphas.unsqueeze(1)], 1).view(alphas.shape[0], 4, _tile.Height, _tile.Width);
            return (rgba * Kept(levels)).round().permute(0, 2, 3, 1).contiguous();
        }

        // [4, P] straight, at the precision of the output being made.
        private Tensor Original(int levels) =>
            OriginalPixels.Read(_original, _tile, levels > 255, _alphas.device).view(4, -1);
    }
}
