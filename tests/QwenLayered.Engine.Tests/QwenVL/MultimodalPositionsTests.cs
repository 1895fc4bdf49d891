using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Vision;

namespace QwenLayered.Engine.Tests.QwenVL;

public class MultimodalPositionsTests
{
    private const int Image = 9;

    [Fact]
    public void Compute_TextImageText_ImageOnItsGridThenTextAfterTheLargestPosition()
    {
        // Two text tokens, a 2x3 merged grid (patch grid 4x6, merge 2), one text token.
        long[] ids = [1, 2, Image, Image, Image, Image, Image, Image, 3];

        var positions = MultimodalPositions.Compute(ids, Image, [new ImageGrid(1, 4, 6)], merge: 2);

        Assert.Equal([0L, 1, 2, 2, 2, 2, 2, 2, 5], positions.Streams[0]);
        Assert.Equal([0L, 1, 2, 2, 2, 3, 3, 3, 5], positions.Streams[1]);
        Assert.Equal([0L, 1, 2, 3, 4, 2, 3, 4, 5], positions.Streams[2]);
        Assert.Equal(6 - 9, positions.Delta);
        Assert.Equal(6, positions.After(9));
    }

    [Fact]
    public void Compute_TooFewPlaceholders_Throws()
    {
        long[] ids = [1, Image, Image, 2];

        Assert.Throws<ArgumentException>(() => MultimodalPositions.Compute(ids, Image, [new ImageGrid(1, 4, 6)], merge: 2));
    }
}
