using QwenLayered.Server.Services;

namespace QwenLayered.Server.Tests.Services;

public class ImageFormatTests
{
    [Fact]
    public void Detect_PngSignature_IsPng() => Assert.Equal("png", ImageFormat.Detect(TestImages.PngHeader));

    [Fact]
    public void Detect_JpegStartOfImage_IsJpeg() => Assert.Equal("jpeg", ImageFormat.Detect([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]));

    [Fact]
    public void Detect_RiffWebp_IsWebp() => Assert.Equal("webp", ImageFormat.Detect("RIFF\x10\0\0\0WEBPVP8 "u8));

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E })]
    [InlineData(new byte[] { (byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'A', (byte)'V', (byte)'E' })]
    public void Detect_AnythingElse_IsNull(byte[] data) => Assert.Null(ImageFormat.Detect(data));
}
