using QwenLayered.Engine.Transformer;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Transformer;

public class RotaryEmbeddingTests
{
    [Fact]
    public void For_AxisDimsOfTwo_AnglesAreThePositions()
    {
        // An axis of dim 2 has one frequency, theta^0 = 1, so each angle equals the token's position on that axis.
        using var rope = new RotaryEmbedding([2, 2, 2], layered: true, CPU);

        var tables = rope.For([new TokenGrid(1, 1, 2), new TokenGrid(1, 1, 2)], textLength: 2);

        // Noisy frame 0, then the condition at frame -1; a side of 1 sits at -1, a side of 2 at -1, 0.
        Assert.Equal([0f, -1f, -1f, 0f, -1f, 0f, -1f, -1f, -1f, -1f, -1f, 0f], Angles(tables.Image));
        // Text starts at max(max half side = 1, noisy frames = 1) = 1 on all three axes.
        Assert.Equal([1f, 1f, 1f, 2f, 2f, 2f], Angles(tables.Text));
    }

    [Fact]
    public void For_SameLayoutTwice_ReturnsTheCachedTables()
    {
        using var rope = new RotaryEmbedding([4, 6, 6], layered: true, CPU);
        TokenGrid[] grids = [new(1, 3, 5), new(1, 3, 5)];

        var first = rope.For(grids, 7);
        var second = rope.For([.. grids], 7);
        var otherText = rope.For(grids, 8);

        Assert.Same(first, second);
        Assert.NotSame(first, otherText);
        Assert.Equal([30, 8], first.Image.Cos.shape);
        Assert.Equal([8, 8], otherText.Text.Sin.shape);
    }

    [Fact]
    public void Apply_QuarterTurn_RotatesEachAdjacentPairAsAComplexNumber()
    {
        using var cos = zeros(1, 2);
        using var sin = ones(1, 2);
        using var table = new RotaryTable(cos.alias(), sin.alias());
        using var x = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 1, 4);

        using var rotated = table.Apply(x);

        // (1 + 2i)·i = −2 + 1i, (3 + 4i)·i = −4 + 3i: interleaved pairs, not the half-split layout.
        Assert.Equal([-2f, 1f, -4f, 3f], rotated.data<float>().ToArray());
    }

    [Fact]
    public void Apply_Bf16Input_ReturnsBf16()
    {
        using var rope = new RotaryEmbedding([2, 2, 2], layered: false, CPU);
        var tables = rope.For([new TokenGrid(1, 2, 2)], 1);
        using var generator = new Generator(8);
        using var x = randn([1, 4, 2, 6], generator: generator).to(ScalarType.BFloat16);

        using var rotated = tables.Image.Apply(x);

        Assert.Equal(ScalarType.BFloat16, rotated.dtype);
    }

    private static float[] Angles(RotaryTable table)
    {
        using var angles = atan2(table.Sin, table.Cos).flatten();
        return [.. angles.data<float>().ToArray().Select(a => MathF.Round(a, 5))];
    }
}
