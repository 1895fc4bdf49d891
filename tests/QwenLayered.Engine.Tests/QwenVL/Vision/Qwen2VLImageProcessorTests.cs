using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Tests.QwenVL;
using QwenLayered.Toolbox.Parity;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL.Vision;

public class Qwen2VLImageProcessorTests
{
    public static TheoryData<string> VisionCases() => TextFixtures.CasesOf("vision");

    [Theory]
    [MemberData(nameof(VisionCases))]
    public void Preprocess_FixtureImages_MatchTheStoredPixelValues(string caseName)
    {
        using var fixture = TextFixtures.Open("vision", caseName);
        var processor = new Qwen2VLImageProcessor(ImageProcessorConfig.Default);
        foreach (string run in fixture.InputNames.Where(name => name.EndsWith("image_rgb", StringComparison.Ordinal)).Select(name => name[..^"image_rgb".Length]))
        {
            using var scope = NewDisposeScope();
            var rgb = fixture.Input(run + "image_rgb", ScalarType.Byte, CPU);
            var image = ToRgba(rgb);

            using var input = processor.Preprocess(image);

            var grid = VisionVerifier.Grids(fixture.Input(run + "image_grid_thw", ScalarType.Int64, CPU)).Single();
            Assert.Equal(grid, input.Grid);
            var expected = fixture.Input(run + "pixel_values", ScalarType.Float32, CPU);
            Assert.True(input.PixelValues.allclose(expected, rtol: 0, atol: 1e-6), $"{run}pixel_values differ");
        }
    }

    [Fact]
    public void Preprocess_SizeNeedingResize_PatchesTheSmartResizedImage()
    {
        var processor = new Qwen2VLImageProcessor(ImageProcessorConfig.Default);
        var image = new RgbaImage(100, 50, Enumerable.Range(0, 100 * 50 * 4).Select(i => (byte)(i * 7)).ToArray());

        using var input = processor.Preprocess(image);

        // 50x100 → 56x112: a 4x8 patch grid, 32 rows of 3·2·14·14 values.
        Assert.Equal(new ImageGrid(1, 4, 8), input.Grid);
        Assert.Equal([32L, 1176L], input.PixelValues.shape);
    }

    [Fact]
    public void Preprocess_TransparentPixels_IgnoresAlpha()
    {
        var processor = new Qwen2VLImageProcessor(ImageProcessorConfig.Default);
        byte[] opaque = Enumerable.Range(0, 56 * 56 * 4).Select(i => i % 4 == 3 ? (byte)255 : (byte)(i % 251)).ToArray();
        byte[] clear = opaque.Select((value, i) => i % 4 == 3 ? (byte)0 : value).ToArray();

        using var a = processor.Preprocess(new RgbaImage(56, 56, opaque));
        using var b = processor.Preprocess(new RgbaImage(56, 56, clear));

        Assert.True(a.PixelValues.eq(b.PixelValues).all().item<bool>());
    }

    private static RgbaImage ToRgba(Tensor hwc)
    {
        long height = hwc.shape[0], width = hwc.shape[1];
        var rgba = cat([hwc, full(height, width, 1, 255, dtype: ScalarType.Byte)], dim: 2);
        return new RgbaImage((int)width, (int)height, rgba.data<byte>().ToArray());
    }
}
