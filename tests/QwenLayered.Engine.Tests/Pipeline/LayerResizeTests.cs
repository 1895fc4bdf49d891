using QwenLayered.Engine.Pipeline;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayerResizeTests
{
    // 300x170 on a 64 px model works at 96x64 and answers at 104x59.
    private static readonly WorkingSize Bent = WorkingSize.ForArea(300, 170, 64 * 64, 8);

    // A transparent 96x64 layer whose hidden colour is white, with an opaque red square at x 32–63, y 16–47.
    private static Tensor LayerWithSquare()
    {
        var layer = ones(1, 4, 64, 96);
        layer[0, 3] = full(64, 96, -1f);
        layer[0, .., 16..48, 32..64] = tensor(new[] { 1f, -1f, -1f, 1f }).view(4, 1, 1);
        return layer;
    }

    [Fact]
    public void ToOutputSize_BentWorkingSize_StretchesTheLayersBackToTheInputsAspect()
    {
        using var layer = LayerWithSquare();

        using var resized = LayerResize.ToOutputSize(layer, Bent);

        Assert.Equal(new long[] { 1, 4, 59, 104 }, resized.shape);
        // The 32x32 square's columns scale by 104/96 and its rows by 59/64: at least half covered, 34.7x29.5 pixels.
        using var covered = resized[0, 3] > 0f;
        long columns = covered.any(0).sum().item<long>(), rows = covered.any(1).sum().item<long>();
        Assert.InRange(columns, 34, 35);
        Assert.InRange(rows, 29, 30);
    }

    [Fact]
    public void ToOutputSize_AroundAShape_LeavesTransparentPixelsExactlyTransparentAndTheirColourOut()
    {
        using var layer = LayerWithSquare();

        using var resized = LayerResize.ToOutputSize(layer, Bent);

        // Beyond the filter's reach of the square's edge, alpha is exactly 0 (−1), not a faint ring.
        using var alpha = resized[0, 3];
        using var visible = alpha > -1f;
        Assert.Equal(0, visible[..13].sum().item<long>());
        Assert.Equal(0, visible[46..].sum().item<long>());
        Assert.Equal(0, visible[.., ..33].sum().item<long>());
        Assert.Equal(0, visible[.., 71..].sum().item<long>());
        // Every visible pixel, the half-covered edge included, is the square's red: the white under alpha 0 stays out.
        using var red = resized[0, ..3].permute(1, 2, 0)[visible];
        Assert.True(red.allclose(tensor(new[] { 1f, -1f, -1f }).expand_as(red), rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void ToOutputSize_WorkingSizeOfTheInputsAspect_ReturnsTheLayersAsTheyAre()
    {
        using var layer = LayerWithSquare();

        using var resized = LayerResize.ToOutputSize(layer, WorkingSize.ForArea(96, 64, 96 * 64, 8));

        Assert.True(resized.allclose(layer, rtol: 0, atol: 0));
    }
}
