using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Engine.Tests.Imaging;

public class ImageDecoderTests
{
    private const long Unlimited = long.MaxValue;

    private static byte[] Encode<TPixel>(Image<TPixel> image, IImageEncoder encoder) where TPixel : unmanaged, IPixel<TPixel>
    {
        using var stream = new MemoryStream();
        image.Save(stream, encoder);
        return stream.ToArray();
    }

    private static byte[] Png<TPixel>(TPixel pixel, int width, int height, PngColorType color, PngBitDepth depth)
        where TPixel : unmanaged, IPixel<TPixel>
    {
        using var image = new Image<TPixel>(width, height, pixel);
        return Encode(image, new PngEncoder { ColorType = color, BitDepth = depth });
    }

    [Fact]
    public void ReadHeader_SixteenBitPng_ReportsItsFormatSizeAndDepth()
    {
        var png = Png(new Rgba64(1, 2, 3, 4), 5, 3, PngColorType.RgbWithAlpha, PngBitDepth.Bit16);

        var header = ImageDecoder.ReadHeader(png, Unlimited, Unlimited);

        Assert.Equal(new ImageHeader("PNG", 5, 3, 16), header);
    }

    [Fact]
    public void Decode_RgbaPng_KeepsPixelsAndAlpha()
    {
        var png = Png(new Rgba32(10, 20, 30, 40), 3, 2, PngColorType.RgbWithAlpha, PngBitDepth.Bit8);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal((3, 2, 8), (image.Width, image.Height, image.SourceBitsPerChannel));
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, image.Pixels[..4]);
    }

    [Fact]
    public void Decode_RgbWithoutAlpha_IsOpaque()
    {
        var png = Png(new Rgb24(1, 2, 3), 2, 2, PngColorType.Rgb, PngBitDepth.Bit8);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(new byte[] { 1, 2, 3, 255 }, image.Pixels[..4]);
    }

    [Fact]
    public void Decode_GrayscalePng_BecomesGrayRgba()
    {
        var png = Png(new L8(77), 2, 2, PngColorType.Grayscale, PngBitDepth.Bit8);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(new byte[] { 77, 77, 77, 255 }, image.Pixels[..4]);
    }

    [Fact]
    public void Decode_PalettedPng_BecomesRgba()
    {
        var png = Png(new Rgba32(200, 0, 0, 255), 4, 4, PngColorType.Palette, PngBitDepth.Bit8);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(new byte[] { 200, 0, 0, 255 }, image.Pixels[..4]);
    }

    [Fact]
    public void Decode_16BitPng_ReportsSixteenBitsAndScalesToEight()
    {
        var png = Png(new Rgba64(65535, 0, 32896, 65535), 2, 2, PngColorType.RgbWithAlpha, PngBitDepth.Bit16);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(16, image.SourceBitsPerChannel);
        Assert.Equal(new byte[] { 255, 0, 128, 255 }, image.Pixels[..4]);
    }

    [Fact]
    public void Decode_16BitPng_KeepsEverySixteenBitValue()
    {
        using var source = new Image<Rgba64>(2, 1);
        source[0, 0] = new Rgba64(1, 257, 40000, 65535);
        source[1, 0] = new Rgba64(65534, 2, 3, 12345);
        var png = Encode(source, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit16 });

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(new ushort[] { 1, 257, 40000, 65535, 65534, 2, 3, 12345 }, image.Pixels16);
    }

    [Fact]
    public void Decode_16BitGreyPng_IsSixteenBit()
    {
        var png = Png(new L16(54321), 2, 2, PngColorType.Grayscale, PngBitDepth.Bit16);

        var image = ImageDecoder.Decode(png, Unlimited, Unlimited);

        Assert.Equal(16, image.SourceBitsPerChannel);
        Assert.Equal(new ushort[] { 54321, 54321, 54321, 65535 }, image.Pixels16![..4]);
    }

    [Fact]
    public void Decode_8BitPng_HasNoSixteenBitPixels()
    {
        var png = Png(new Rgba32(1, 2, 3, 4), 2, 2, PngColorType.RgbWithAlpha, PngBitDepth.Bit8);

        Assert.Null(ImageDecoder.Decode(png, Unlimited, Unlimited).Pixels16);
    }

    [Fact]
    public void Decode_JpegAndWebp_AreAccepted()
    {
        using var source = new Image<Rgba32>(8, 8, new Rgba32(128, 128, 128, 255));

        var jpeg = ImageDecoder.Decode(Encode(source, new JpegEncoder()), Unlimited, Unlimited);
        var webp = ImageDecoder.Decode(Encode(source, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }), Unlimited, Unlimited);

        Assert.Equal((8, 8), (jpeg.Width, jpeg.Height));
        Assert.Equal(new byte[] { 128, 128, 128, 255 }, webp.Pixels[..4]);
    }

    [Fact]
    public void Decode_Empty_AsksForImageBytes()
    {
        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode([], Unlimited, Unlimited));
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Decode_TooManyBytes_NamesTheLimit()
    {
        var png = Png(new Rgba32(), 4, 4, PngColorType.RgbWithAlpha, PngBitDepth.Bit8);

        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png, Unlimited, maxBytes: 10));
        Assert.Contains("at most 10 are accepted", error.Message);
    }

    [Fact]
    public void Decode_TooManyPixels_IsRefusedBeforeDecoding()
    {
        var png = Png(new Rgba32(), 100, 50, PngColorType.RgbWithAlpha, PngBitDepth.Bit8);

        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png, maxPixels: 4999, Unlimited));
        Assert.Contains("100x50 (5,000 pixels)", error.Message);
    }

    [Fact]
    public void Decode_OtherFormat_SaysWhichAreAccepted()
    {
        using var source = new Image<Rgba32>(2, 2);
        using var stream = new MemoryStream();
        source.SaveAsBmp(stream);

        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(stream.ToArray(), Unlimited, Unlimited));
        Assert.Contains("PNG, JPEG or WebP", error.Message);
    }

    [Fact]
    public void Decode_TruncatedPng_IsReportedAsDamaged()
    {
        var png = Png(new Rgba32(1, 2, 3, 4), 64, 64, PngColorType.RgbWithAlpha, PngBitDepth.Bit8);

        var error = Assert.Throws<InvalidImageException>(() => ImageDecoder.Decode(png[..(png.Length / 2)], Unlimited, Unlimited));
        Assert.Contains("PNG", error.Message);
    }
}
