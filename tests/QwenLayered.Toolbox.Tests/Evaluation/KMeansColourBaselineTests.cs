using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class KMeansColourBaselineTests
{
    private static readonly byte[] Red = [220, 30, 40, 255], Blue = [20, 40, 200, 255];

    // An 8x8 red image with a 3x3 blue square at (2, 2).
    private static RgbaImage RedWithBlueSquare() => new(8, 8,
        [.. Enumerable.Range(0, 64).SelectMany(p => p % 8 is >= 2 and < 5 && p / 8 is >= 2 and < 5 ? Blue : Red)]);

    private static bool[] Mask(RgbaImage layer) => [.. Enumerable.Range(0, 64).Select(p => layer.Pixels[4 * p + 3] == 255)];

    [Fact]
    public void Decompose_TwoColourImage_SplitsItIntoTheTwoExactMasksLargestFirst()
    {
        var image = RedWithBlueSquare();

        var layers = new KMeansColourBaseline().Decompose(image, layers: 2);

        bool[] blue = [.. Enumerable.Range(0, 64).Select(p => image.Pixels[4 * p] == Blue[0])];
        Assert.Equal(2, layers.Count);
        Assert.Equal(blue.Select(b => !b), Mask(layers[0]));
        Assert.Equal(blue, Mask(layers[1]));
    }

    [Fact]
    public void Decompose_TwoColourImage_RecompositesLosslessly()
    {
        var image = RedWithBlueSquare();

        var layers = new KMeansColourBaseline().Decompose(image, layers: 2);

        Assert.Equal(image.Pixels, LayerCompositor.Over([.. layers.Select(l => l.Pixels)], 8, 8));
    }

    [Fact]
    public void Decompose_MoreLayersThanColours_AddsEmptyLayersOnTop()
    {
        var layers = new KMeansColourBaseline().Decompose(RedWithBlueSquare(), layers: 4);

        Assert.Equal(4, layers.Count);
        Assert.All(layers.Skip(2), layer => Assert.DoesNotContain(true, Mask(layer)));
    }

    [Fact]
    public void Decompose_SameImageTwice_GivesTheSameLayers()
    {
        var image = new RgbaImage(16, 16, [.. Enumerable.Range(0, 256).SelectMany(p => new byte[] { (byte)p, (byte)(p * 7), (byte)(p * 13), 255 })]);

        var first = new KMeansColourBaseline().Decompose(image, 3);
        var second = new KMeansColourBaseline().Decompose(image, 3);

        Assert.Equal(first.Select(l => l.Pixels), second.Select(l => l.Pixels));
    }
}
