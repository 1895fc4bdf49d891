using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class LayerMetricsTests
{
    private static byte[] Alphas(params byte[] alphas) => [.. alphas.SelectMany(a => new byte[] { 50, 60, 70, a })];

    [Fact]
    public void AlphaIoU_MasksSharingOneOfThreePixels_IsOneThird()
    {
        Assert.Equal(1.0 / 3, LayerMetrics.AlphaIoU(Alphas(255, 255, 0, 0), Alphas(0, 255, 255, 0)), 12);
    }

    [Fact]
    public void AlphaIoU_AlphaBelowHalf_CountsAsOutside()
    {
        Assert.Equal(0.5, LayerMetrics.AlphaIoU(Alphas(128, 200), Alphas(127, 200)), 12);
    }

    [Fact]
    public void AlphaIoU_TwoEmptyMasks_IsOne()
    {
        Assert.Equal(1, LayerMetrics.AlphaIoU(Alphas(0, 10), Alphas(127, 0)));
    }

    [Fact]
    public void MergedAlpha_Layers_TakesTheHighestAlphaOfEachPixel()
    {
        var merged = LayerMetrics.MergedAlpha([Alphas(255, 0, 100), Alphas(0, 40, 130)], length: 12);

        Assert.Equal(new byte[] { 0, 0, 0, 255, 0, 0, 0, 40, 0, 0, 0, 130 }, merged);
    }

    [Fact]
    public void MergedAlpha_NoLayers_IsAnEmptyMask()
    {
        Assert.Equal(new byte[8], LayerMetrics.MergedAlpha([], length: 8));
    }

    [Fact]
    public void MergedAlpha_LayerOfAnotherSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => LayerMetrics.MergedAlpha([Alphas(255, 0)], length: 12));
    }

    [Fact]
    public void RgbPsnr_EveryChannelOffByOne_Is20Log10Of255()
    {
        byte[] a = [10, 20, 30, 255, 40, 50, 60, 255], b = [11, 19, 31, 255, 39, 51, 59, 255];

        Assert.Equal(20 * Math.Log10(255), LayerMetrics.RgbPsnr(a, b), 9);
    }

    [Fact]
    public void RgbPsnr_BlackAgainstWhite_IsZero()
    {
        Assert.Equal(0, LayerMetrics.RgbPsnr([0, 0, 0, 255], [255, 255, 255, 255]), 12);
    }

    [Fact]
    public void RgbPsnr_OneChannelOfOnePixelOffByTen_AveragesOverAllRgbValues()
    {
        // MSE = 10² / 6 over two pixels' six RGB values.
        double expected = 10 * Math.Log10(255.0 * 255.0 / (100.0 / 6));

        Assert.Equal(expected, LayerMetrics.RgbPsnr([0, 0, 0, 255, 9, 9, 9, 255], [0, 0, 10, 255, 9, 9, 9, 255]), 9);
    }

    [Fact]
    public void RgbPsnr_SameRgbDifferentAlpha_IsInfinite()
    {
        Assert.Equal(double.PositiveInfinity, LayerMetrics.RgbPsnr([1, 2, 3, 255], [1, 2, 3, 0]));
    }
}
