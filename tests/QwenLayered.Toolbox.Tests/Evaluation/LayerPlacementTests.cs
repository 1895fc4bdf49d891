using QwenLayered.Engine.Pipeline;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class LayerPlacementTests
{
    // A 2x1 layer at (1, 2) on a 4x3 canvas: its bytes there are row 2's, columns 1 and 2.
    private const int Start = (2 * 4 + 1) * 4, End = (2 * 4 + 3) * 4;
    private static readonly DecodedLayer Layer = new(0, 2, 1, [1, 2, 3, 4, 5, 6, 7, 8], null) { X = 1, Y = 2 };

    [Fact]
    public void OnCanvas_PutsThePixelsAtTheOffsetAndLeavesTheRestTransparent()
    {
        var canvas = LayerPlacement.OnCanvas(Layer, 4, 3);

        Assert.Equal(4 * 3 * 4, canvas.Length);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], canvas[Start..End]);
        Assert.Equal(8, canvas.Count(v => v != 0));
    }
}
