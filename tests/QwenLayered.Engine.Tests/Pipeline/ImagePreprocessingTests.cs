using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.Engine.Tests.Pipeline;

public class ImagePreprocessingTests
{
    [Fact]
    public void ToVaeInput_ImageAtWorkingSize_ScalesBytesToMinusOneToOne()
    {
        var image = new RgbaImage(2, 1, [0, 255, 51, 255, 102, 153, 204, 0]);

        using var input = ImagePreprocessing.ToVaeInput(image, new WorkingSize(2, 1, 0, 0));

        Assert.Equal(new long[] { 1, 4, 1, 1, 2 }, input.shape);
        float[] expected = [-1f, 102f / 255 * 2 - 1, 1f, 153f / 255 * 2 - 1, 51f / 255 * 2 - 1, 204f / 255 * 2 - 1, 1f, -1f];
        float[] actual = input.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 6);
    }

    [Fact]
    public void ToVaeInput_OtherSize_ResizesAndKeepsAUniformColour()
    {
        var pixels = Enumerable.Repeat(new byte[] { 255, 0, 0, 255 }, 30 * 20).SelectMany(p => p).ToArray();
        var image = new RgbaImage(30, 20, pixels);

        using var input = ImagePreprocessing.ToVaeInput(image, new WorkingSize(64, 32, 8, 4));

        Assert.Equal(new long[] { 1, 4, 1, 32, 64 }, input.shape);
        Assert.Equal(1f, input[0, 0].mean().item<float>(), 5);
        Assert.Equal(-1f, input[0, 1].mean().item<float>(), 5);
        Assert.Equal(1f, input[0, 3].mean().item<float>(), 5);
    }
}
