using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Engine.Tests.Imaging;

public class LayerPngTests
{
    [Fact]
    public void Encode8_DecodesBackToTheSamePixels()
    {
        byte[] rgba = [1, 2, 3, 4, 250, 251, 252, 0];

        var png = LayerPng.Encode8(rgba, 2, 1);

        var decoded = ImageDecoder.Decode(png, long.MaxValue, long.MaxValue);
        Assert.Equal(rgba, decoded.Pixels);
    }

    [Fact]
    public void Encode16_KeepsSixteenBitValues()
    {
        ushort[] rgba = [1, 2, 65534, 65535];

        var png = LayerPng.Encode16(rgba, 1, 1);

        using var image = Image.Load<Rgba64>(png);
        Assert.Equal(new Rgba64(1, 2, 65534, 65535), image[0, 0]);
    }
}
