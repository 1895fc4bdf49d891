using QwenLayered.Engine.Imaging;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class ColourClustersTests
{
    [Fact]
    public void Count_TwoFarColoursAndASpeck_IsTwo()
    {
        var pixels = new byte[100 * 100 * 4];
        for (int p = 0; p < 100 * 100; p++)
        {
            byte value = p == 0 ? (byte)128 : p % 100 < 50 ? (byte)0 : (byte)255;
            (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2], pixels[4 * p + 3]) = (value, value, value, 255);
        }

        Assert.Equal(2, ColourClusters.Count(new RgbaImage(100, 100, pixels)));
    }
}
