using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayerSelectionTests
{
    private static DecodedLayer Layer(int index, byte alpha, byte red = 200) =>
        new(index, 2, 2, [.. Enumerable.Range(0, 4).SelectMany(_ => new byte[] { red, 10, 10, alpha })], null);

    [Fact]
    public void Keep_EmptyAndDuplicateLayers_DropsThemAndNumbersTheRestFromZero()
    {
        var selection = new LayerSelection();

        var kept = new[] { Layer(0, 255), Layer(1, 0), Layer(2, 255), Layer(3, 128), Layer(4, 1) }.Select(selection.Keep).ToList();

        Assert.Equal([0, null, null, 1, null], kept.Select(layer => layer?.Index));
        Assert.Equal([0, 1], selection.Kept.Select(layer => layer.Index));
    }

    [Fact]
    public void Keep_EmptyBottomLayer_IsKeptSoTheResultIsNeverEmpty()
    {
        var selection = new LayerSelection();

        Assert.NotNull(selection.Keep(Layer(0, 0)));
        Assert.Null(selection.Keep(Layer(1, 0)));
    }

    [Fact]
    public void Keep_SameAlphaOtherColour_IsKept()
    {
        var selection = new LayerSelection();
        selection.Keep(Layer(0, 255));

        Assert.NotNull(selection.Keep(Layer(1, 255, red: 20)));
    }

    [Fact]
    public void Keep_SamePixelsAtAnotherPlace_IsKept()
    {
        var selection = new LayerSelection();
        selection.Keep(Layer(0, 255));

        Assert.NotNull(selection.Keep(Layer(1, 255) with { X = 5 }));
    }

    [Fact]
    public void Keep_OtherColourOnlyUnderTransparentPixels_IsADuplicate()
    {
        var selection = new LayerSelection();
        selection.Keep(new DecodedLayer(0, 2, 1, [200, 10, 10, 255, 0, 0, 0, 0], null));

        Assert.Null(selection.Keep(new DecodedLayer(1, 2, 1, [200, 10, 10, 255, 90, 250, 90, 0], null)));
    }
}
