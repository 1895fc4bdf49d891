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

    [Theory]
    [InlineData(true, 16)]
    [InlineData(false, 8)]
    public void Encode_SixteenBitPixelsWhenGiven_ElseEightBit(bool sixteen, int bits)
    {
        var png = LayerPng.Encode([10, 20, 30, 255], sixteen ? [2570, 5140, 7710, 65535] : null, 1, 1);

        Assert.Equal(bits, Image.Identify(png).PixelType.BitsPerPixel / 4);
    }
}
