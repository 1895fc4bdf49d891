using QwenLayered.Engine.Pipeline;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class LayerPlacementTests
{
    // A 2x1 layer at (1, 2) on a 4x3 canvas.
    // Its pixels' bytes on the canvas: row 2, columns 1 and 2.
    private const int Start = (2 * 4 + 1) * 4, End = (2 * 4 + 3) * 4;
    private static readonly DecodedLayer Layer = new(0, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8], [100, 200, 300, 400, 500, 600, 700, 800]) { X = 1, Y = 2, Name = "sky" };

    [Fact]
    public void OnCanvas_PutsThePixelsAtTheOffsetAndLeavesTheRestTransparent()
    {
        var canvas = LayerPlacement.OnCanvas(Layer, 4, 3);

        Assert.Equal(4 * 3 * 4, canvas.Length);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], canvas[Start..End]);
        Assert.Equal(8, canvas.Count(v => v != 0));
    }

    [Fact]
    public void Whole_CoversTheCanvasAtTheOriginWithItsSixteenBitPixelsAndName()
    {
        var whole = LayerPlacement.Whole(Layer, 4, 3);

        Assert.Equal((0, 0, 4, 3, "sky"), (whole.X, whole.Y, whole.Width, whole.Height, whole.Name));
        Assert.Equal<ushort>([100, 200, 300, 400, 500, 600, 700, 800], whole.Rgba16![Start..End]);
        Assert.Equal(8, whole.Rgba16.Count(v => v != 0));
    }
}
