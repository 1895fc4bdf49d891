namespace QwenLayered.LayerFiles.Tests;

public class SquareFitTests
{
    [Fact]
    public void Apply_WideDocument_ScalesTheLongerSideAndCentresIt()
    {
        var document = new LayeredDocument(8, 4,
            [new DocumentLayer("Paper", TestLayers.Opaque(8, 4)), new DocumentLayer("Ink", TestLayers.Patch(8, 4, 0, 0, 8, 4, 10, 10, 10))]);

        var fitted = SquareFit.Apply(document, 16);

        Assert.Equal((16, 16), (fitted.Width, fitted.Height));
        // 8x4 becomes 16x8, centred: rows 4..11 hold the image, rows 0..3 and 12..15 are margin.
        Assert.Equal(0, Alpha(fitted.Layers[1], 5, 0));
        Assert.Equal(0, Alpha(fitted.Layers[1], 5, 15));
        Assert.True(Alpha(fitted.Layers[1], 5, 8) > 0);
    }

    [Fact]
    public void Apply_BottomLayer_StaysOpaqueByRepeatingItsEdges()
    {
        var document = new LayeredDocument(8, 4, [new DocumentLayer("Paper", TestLayers.Opaque(8, 4))]);

        var fitted = SquareFit.Apply(document, 16);

        Assert.All(fitted.Layers[0].Rgba8.Where((_, i) => i % 4 == 3), a => Assert.Equal(255, a));
        Assert.Equal(fitted.Layers[0].Rgba8[((4 * 16) + 3) * 4], fitted.Layers[0].Rgba8[(0 * 16 + 3) * 4]);
    }

    private static byte Alpha(DocumentLayer layer, int x, int y) => layer.Rgba8[(y * 16 + x) * 4 + 3];
}
