using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Tests.Imaging;

public class LayerCompositorTests
{
    [Fact]
    public void Over_OpaqueTopLayer_HidesTheOneBelow()
    {
        byte[] bottom = [10, 20, 30, 255], top = [200, 100, 50, 255];

        Assert.Equal(top, LayerCompositor.Over([bottom, top], 1, 1));
    }

    [Fact]
    public void Over_HalfTransparentTop_BlendsWithTheOneBelow()
    {
        byte[] bottom = [0, 0, 0, 255], top = [255, 255, 255, 128];

        Assert.Equal(new byte[] { 128, 128, 128, 255 }, LayerCompositor.Over([bottom, top], 1, 1));
    }

    [Fact]
    public void Over_TwoHalfTransparentLayers_AddAlphaAndWeightColours()
    {
        byte[] red = [255, 0, 0, 102], blue = [0, 0, 255, 102]; // α = 0.4 each

        var result = LayerCompositor.Over([red, blue], 1, 1);

        // α = 0.4 + 0.6·0.4 = 0.64; colour = (0.4·blue + 0.6·0.4·red) / 0.64.
        Assert.Equal(new byte[] { 96, 0, 159, 163 }, result);
    }

    [Fact]
    public void Over_NothingVisible_IsTransparentBlack()
    {
        Assert.Equal(new byte[4], LayerCompositor.Over([new byte[] { 9, 9, 9, 0 }], 1, 1));
    }

    [Fact]
    public void Over_LayerOfTheWrongSize_SaysWhatItNeeds()
    {
        var error = Assert.Throws<ArgumentException>(() => LayerCompositor.Over([new byte[3]], 1, 1));
        Assert.Contains("needs 4", error.Message);
    }
}
