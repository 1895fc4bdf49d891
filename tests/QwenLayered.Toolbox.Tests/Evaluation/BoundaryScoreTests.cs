using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class BoundaryScoreTests
{
    private const int Side = 32;

    // An opaque square from (left, top), `size` pixels a side, on a transparent canvas.
    private static byte[] Square(int left, int top, int size)
    {
        var rgba = new byte[Side * Side * 4];
        for (int y = top; y < top + size; y++)
            for (int x = left; x < left + size; x++)
                rgba[(y * Side + x) * 4 + 3] = 255;
        return rgba;
    }

    [Fact]
    public void F_SameOutline_IsOne() => Assert.Equal(1, BoundaryScore.F(Square(8, 8, 12), Square(8, 8, 12), Side, Side, tolerance: 0));

    [Fact]
    public void F_OutlineShiftedWithinTheTolerance_IsOneAndBeyondItLower()
    {
        var truth = Square(8, 8, 12);
        var shifted = Square(11, 8, 12);

        Assert.Equal(1, BoundaryScore.F(truth, shifted, Side, Side, tolerance: 3));
        Assert.InRange(BoundaryScore.F(truth, shifted, Side, Side, tolerance: 2), 0.1, 0.9);
    }

    [Fact]
    public void F_NeitherHasAnOutline_IsOneAndOnlyOneHasIt_IsZero()
    {
        var empty = new byte[Side * Side * 4];

        Assert.Equal(1, BoundaryScore.F(empty, empty, Side, Side, tolerance: 3));
        Assert.Equal(0, BoundaryScore.F(Square(8, 8, 12), empty, Side, Side, tolerance: 3));
    }
}
