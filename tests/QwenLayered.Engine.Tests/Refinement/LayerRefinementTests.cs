using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Refinement;
using QwenLayered.Toolbox.Evaluation;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Refinement;

public class LayerRefinementTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Refine_RandomLayerStack_RestacksToTheOriginalAfter8BitQuantization(int seed, bool originalHasAlpha)
    {
        var random = new Random(seed);
        var original = RandomImage(random, 53, 41, originalHasAlpha);
        using var decoded = RandomLayers(random, 4, 12, 10);

        var layers = Refine(original, decoded, sixteenBit: false, tileSize: 16);

        var restacked = Restack.Over8(layers, original.Width, original.Height);
        var (psnr, maxError) = Restack.Compare(Restack.ClearTransparent(original.Pixels), restacked, 255);
        Assert.True(psnr >= 50 && maxError <= 2, $"PSNR {psnr:F1} dB, largest error {maxError}/255.");
        Assert.Equal(Channel(original.Pixels, 3), Channel(restacked, 3));
    }

    [Fact]
    public void Refine_StepEdgeInTheOriginal_PutsTheAlphaEdgeOnItWhereAPlainUpscaleBlursIt()
    {
        const int size = 128, edge = 53, small = 16;
        var original = Solid(size, size, (x, _) => x < edge ? (220, 40, 30) : (30, 60, 200));
        // The front layer is the red part; the model sees it at 16x16, where the edge falls inside a pixel.
        var front = Enumerable.Range(0, small).Select(x => (float)Math.Clamp((edge - x * 8.0) / 8, 0, 1)).ToArray();
        using var decoded = StepLayers(front, small);

        var layers = Refine(original, decoded, sixteenBit: false);
        var refined = AlphaRow(layers[1], size, row: 64);
        var upscaled = PlainUpscale(front, size);

        Assert.True(refined[edge - 1] >= 250 && refined[edge] <= 5, $"Refined alpha around the edge: {string.Join(", ", refined[(edge - 3)..(edge + 3)])}.");
        Assert.Equal(1, Enumerable.Range(0, size - 1).Count(x => refined[x] >= 128 != refined[x + 1] >= 128));
        Assert.True(Enumerable.Range(0, size).Count(x => upscaled[x] is > 5 and < 250) >= 4, "The plain upscale's edge is as sharp.");
    }

    [Fact]
    public void Refine_TileBoundaryThroughAnEdge_GivesTheSameLayersAsOneTile()
    {
        var random = new Random(7);
        var original = Solid(96, 80, (x, _) => x < 32 ? (250, 250, 240) : (20, 90, 40));
        using var decoded = RandomLayers(random, 3, 12, 10);

        var tiled = Refine(original, decoded, sixteenBit: true, tileSize: 32);
        var whole = Refine(original, decoded, sixteenBit: true, tileSize: 96);

        Assert.Equal(whole.Select(l => (l.X, l.Y, l.Width, l.Height)), tiled.Select(l => (l.X, l.Y, l.Width, l.Height)));
        Assert.All(whole.Zip(tiled), pair =>
        {
            Assert.Equal(pair.First.Rgba8, pair.Second.Rgba8);
            Assert.Equal(pair.First.Rgba16, pair.Second.Rgba16);
        });
    }

    [Fact]
    public void Refine_SixteenBitOriginal_RestacksAt16BitPrecision()
    {
        var random = new Random(11);
        var eight = RandomImage(random, 40, 30, hasAlpha: false);
        var wide = eight.Pixels.Select((v, i) => i % 4 == 3 ? (ushort)65535 : (ushort)(v * 257 + random.Next(-100, 101) + 100)).ToArray();
        var original = eight with { SourceBitsPerChannel = 16, Pixels16 = wide };
        using var decoded = RandomLayers(random, 3, 10, 8);

        var layers = Refine(original, decoded, sixteenBit: true, tileSize: 16);

        var (psnr, maxError) = Restack.Compare(wide, Restack.Over16(layers, original.Width, original.Height), 65535);
        Assert.True(maxError <= 2 * 257 / 255, $"PSNR {psnr:F1} dB, largest error {maxError}/65535.");
    }

    [Fact]
    public void Refine_LayerEmptyEverywhere_IsOneTransparentPixelAtTheOrigin()
    {
        var original = Solid(20, 20, (_, _) => (10, 20, 30));
        using var decoded = StepLayers(new float[4], 4);

        var front = Refine(original, decoded, sixteenBit: false)[1];

        Assert.Equal((0, 0, 1, 1), (front.X, front.Y, front.Width, front.Height));
        Assert.Equal(new byte[4], front.Rgba8);
    }

    [Fact]
    public void Refine_SmallObject_IsCroppedToItsBoundsAtItsOffset()
    {
        const int size = 64;
        // A dark 8x8 square at (24, 16) on light grey; the model's front layer covers its pixel of the 8x8 working size.
        var original = Solid(size, size, (x, y) => x is >= 24 and < 32 && y is >= 16 and < 24 ? (20, 20, 20) : (200, 200, 200));
        var alpha = zeros(8, 8);
        alpha[2, 3] = tensor(1f);
        using var decoded = stack([ones(4, 8, 8), cat([zeros(3, 8, 8), alpha.unsqueeze(0)])]) * 2 - 1;

        var front = Refine(original, decoded, sixteenBit: false, tileSize: 16)[1];

        Assert.Equal((24, 16, 8, 8), (front.X, front.Y, front.Width, front.Height));
        Assert.All(Enumerable.Range(0, 64), p => Assert.InRange(front.Rgba8[4 * p + 3], 240, 255));
    }

    private static IReadOnlyList<DecodedLayer> Refine(RgbaImage original, Tensor decoded, bool sixteenBit, int tileSize = LayerRefinement.DefaultTileSize) =>
        [.. LayerRefinement.Refine(original, decoded, sixteenBit, tileSize).Select((l, i) => new DecodedLayer(i, l.Width, l.Height, l.Rgba8, l.Rgba16) { X = l.X, Y = l.Y })];

    private static RgbaImage RandomImage(Random random, int width, int height, bool hasAlpha)
    {
        var pixels = new byte[width * height * 4];
        random.NextBytes(pixels);
        for (int p = 3; p < pixels.Length; p += 4)
            pixels[p] = !hasAlpha ? (byte)255 : (byte)((p / 4 % 5) switch { 0 => 0, 1 => 255, _ => pixels[p] });
        return new RgbaImage(width, height, pixels);
    }

    // N layers [N, 4, h, w] in [−1, 1]: random colours, alphas with solid, empty and partial areas.
    private static Tensor RandomLayers(Random random, int count, int width, int height)
    {
        var values = Enumerable.Range(0, count * 4 * width * height).Select(_ => (float)random.NextDouble()).ToArray();
        var layers = tensor(values, [count, 4, height, width]);
        var alpha = (layers[.., 3] * 3 - 1).clamp(0, 1);
        return cat([layers[.., ..3], alpha.unsqueeze(1)], 1) * 2 - 1;
    }

    // An opaque background and a white front layer with the given alpha in every row, [2, 4, n, n] in [−1, 1].
    private static Tensor StepLayers(float[] frontAlpha, int n)
    {
        var alpha = tensor(frontAlpha).view(1, n).expand(n, n);
        return stack([ones(4, n, n), cat([ones(3, n, n), alpha.unsqueeze(0)])]) * 2 - 1;
    }

    private static RgbaImage Solid(int width, int height, Func<int, int, (int R, int G, int B)> colourAt)
    {
        var pixels = new byte[width * height * 4];
        for (int p = 0; p < width * height; p++)
        {
            var (r, g, b) = colourAt(p % width, p / width);
            (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2], pixels[4 * p + 3]) = ((byte)r, (byte)g, (byte)b, 255);
        }
        return new RgbaImage(width, height, pixels);
    }

    private static byte[] AlphaRow(DecodedLayer layer, int width, int row)
    {
        var alphas = new byte[width];
        for (int x = layer.X; x < layer.X + layer.Width; x++) alphas[x] = layer.Rgba8[((row - layer.Y) * layer.Width + x - layer.X) * 4 + 3];
        return alphas;
    }

    private static byte[] PlainUpscale(float[] alphaRow, int width)
    {
        using var row = tensor(alphaRow).view(1, 1, 1, -1);
        using var upscaled = nn.functional.interpolate(row, [1, width], mode: InterpolationMode.Bilinear, align_corners: false);
        return [.. upscaled.data<float>().ToArray().Select(a => (byte)Math.Round(a * 255))];
    }

    private static byte[] Channel(byte[] rgba, int channel) => [.. rgba.Where((_, i) => i % 4 == channel)];
}
