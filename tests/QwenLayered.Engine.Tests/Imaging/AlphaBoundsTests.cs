using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Tests.Imaging;

public class AlphaBoundsTests
{
    private static byte[] Layer(int width, int height, params (int X, int Y)[] visible)
    {
        var rgba = new byte[width * height * 4];
        foreach (var (x, y) in visible) rgba[(y * width + x) * 4 + 3] = 1;
        return rgba;
    }

    [Fact]
    public void Of_SomeVisiblePixels_IsTheirTightBox()
    {
        Assert.Equal(new AlphaBounds(1, 2, 3, 2), AlphaBounds.Of(Layer(5, 5, (1, 3), (3, 2)), 5, 5));
    }

    [Fact]
    public void Of_FullyTransparent_IsNull()
    {
        Assert.Null(AlphaBounds.Of(Layer(4, 4), 4, 4));
    }

    [Fact]
    public void Of_OpaqueCorners_IsTheWholeImage()
    {
        Assert.Equal(new AlphaBounds(0, 0, 4, 3), AlphaBounds.Of(Layer(4, 3, (0, 0), (3, 2)), 4, 3));
    }
}
