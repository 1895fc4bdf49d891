using QwenLayered.Engine.Transformer;

namespace QwenLayered.Engine.Tests.Transformer;

public class RopePositionsTests
{
    [Fact]
    public void Image_OddGrid_CentresRowsAndColumnsLeaningNegative()
    {
        var positions = RopePositions.Image([new TokenGrid(1, 3, 5)], layered: false);

        Assert.Equal([-2, -1, 0], positions.Select(p => p.Row).Distinct());
        Assert.Equal([-3, -2, -1, 0, 1], positions.Select(p => p.Column).Distinct());
        Assert.Equal(new RopePosition(0, -2, -3), positions[0]);
        Assert.Equal(new RopePosition(0, -2, -2), positions[1]);
        Assert.Equal(new RopePosition(0, -1, -3), positions[5]);
    }

    [Fact]
    public void Image_EvenGrid_CoversMinusHalfToHalfMinusOne()
    {
        var positions = RopePositions.Image([new TokenGrid(1, 4, 2)], layered: false);

        Assert.Equal([-2, -1, 0, 1], positions.Select(p => p.Row).Distinct());
        Assert.Equal([-1, 0], positions.Select(p => p.Column).Distinct());
    }

    [Fact]
    public void Image_Layered_NoisyFramesCountFromZeroAndConditionIsMinusOne()
    {
        TokenGrid[] grids = [new(1, 2, 2), new(1, 2, 2), new(1, 2, 2), new(1, 4, 2)];

        var positions = RopePositions.Image(grids, layered: true);

        Assert.Equal(4 * 3 + 8, positions.Length);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], positions.Take(12).Select(p => p.Frame));
        Assert.All(positions.Skip(12), p => Assert.Equal(-1, p.Frame));
        Assert.Equal([-2, -2, -1, -1, 0, 0, 1, 1], positions.Skip(12).Select(p => p.Row));
    }

    [Fact]
    public void Image_Plain_EveryGridTakesItsListIndexAsFrame()
    {
        var positions = RopePositions.Image([new(1, 1, 1), new(2, 1, 1), new(1, 1, 1)], layered: false);

        Assert.Equal([0, 1, 2, 2], positions.Select(p => p.Frame));
    }

    [Fact]
    public void Text_Layered_StartsAtLargestHalfSideWhenItExceedsNoisyFrameCount()
    {
        TokenGrid[] grids = [new(1, 10, 6), new(1, 10, 6), new(1, 10, 6)];

        var positions = RopePositions.Text(grids, 3, layered: true);

        Assert.Equal([new(5, 5, 5), new(6, 6, 6), new(7, 7, 7)], positions);
    }

    [Fact]
    public void Text_LayeredWithManyFramesOnSmallGrid_StartsAtNoisyFrameCount()
    {
        TokenGrid[] grids = [new(1, 2, 2), new(1, 2, 2), new(1, 2, 2), new(1, 2, 2), new(1, 4, 2)];

        Assert.Equal(4, RopePositions.TextStart(grids, layered: true));
        Assert.Equal(2, RopePositions.TextStart(grids, layered: false));
    }

    [Fact]
    public void Text_ZeroLength_IsEmpty()
    {
        Assert.Empty(RopePositions.Text([new TokenGrid(1, 2, 2)], 0, layered: true));
    }

    [Fact]
    public void Image_LayeredConditionWithSeveralFrames_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => RopePositions.Image([new(1, 2, 2), new(2, 2, 2)], layered: true));

        Assert.Contains("condition grid", error.Message);
    }
}
