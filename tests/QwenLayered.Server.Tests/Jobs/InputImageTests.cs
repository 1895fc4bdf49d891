using QwenLayered.Engine.Imaging;

namespace QwenLayered.Server.Tests.Jobs;

public class InputImageTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Decode_PngWithATextChunkInflatingTo64MiB_LeavesItUninflated()
    {
        var input = new InputImage(HandmadeImages.BlackPng(64, 64, chunks: HandmadeImages.CompressedTextChunk(64 * (int)MiB)), new ImageHeader("PNG", 64, 64, 8));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var image = input.Decode();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((64, 64), (image.Width, image.Height));
        Assert.True(allocated < 16 * MiB, $"Decoding allocated {allocated / MiB} MiB.");
    }

    [Fact]
    public void Decode_ImageDamagedPastItsHeader_SaysWhichFieldAndWhatIsWrong()
    {
        var input = new InputImage(TestImages.Png(32, 32)[..60], new ImageHeader("PNG", 32, 32, 8));

        var error = Assert.Throws<InvalidImageException>(input.Decode);

        Assert.StartsWith("image: The PNG image is damaged", error.Message);
    }

    [Fact]
    public void Decode_Region_IsCutOutAndTransparentWhereItsMaskIsBlack()
    {
        var mask = HandmadeImages.BlackPng(2, 1);
        var input = new InputImage(TestImages.Png(4, 4), new ImageHeader("PNG", 4, 4, 8), new ImageRegion(1, 1, 2, 1, mask));

        var image = input.Decode();

        Assert.Equal((2, 1), (image.Width, image.Height));
        Assert.Equal([0, 0], image.Pixels.Where((_, i) => i % 4 == 3));
    }
}
