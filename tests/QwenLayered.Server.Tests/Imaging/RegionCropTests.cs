using QwenLayered.Engine.Imaging;

namespace QwenLayered.Server.Tests.Imaging;

public class RegionCropTests
{
    [Fact]
    public void Apply_RectAndMask_KeepsTheRectsPixelsAndClearsAlphaWhereTheMaskIsZero()
    {
        // 3x2 image whose red channel is the pixel's index.
        var image = new RgbaImage(3, 2, [.. Enumerable.Range(0, 6).SelectMany(i => new byte[] { (byte)i, 0, 0, 255 })]);
        var mask = new RgbaImage(2, 1, [255, 255, 255, 255, 0, 0, 0, 255]);

        var region = RegionCrop.Apply(image, x: 1, y: 1, width: 2, height: 1, mask);

        Assert.Equal((2, 1), (region.Width, region.Height));
        Assert.Equal(new byte[] { 4, 0, 0, 255, 5, 0, 0, 0 }, region.Pixels);
    }

    [Fact]
    public void Apply_SixteenBitImage_CutsTheSixteenBitPixelsToo()
    {
        var image = new RgbaImage(3, 2, new byte[24], 16) { Pixels16 = [.. Enumerable.Range(0, 24).Select(i => (ushort)(i * 1000))] };
        var mask = new RgbaImage(2, 1, [255, 255, 255, 255, 0, 0, 0, 255]);

        var region = RegionCrop.Apply(image, x: 1, y: 1, width: 2, height: 1, mask);

        Assert.Equal(new ushort[] { 16000, 17000, 18000, 19000, 20000, 21000, 22000, 0 }, region.Pixels16);
    }
}
