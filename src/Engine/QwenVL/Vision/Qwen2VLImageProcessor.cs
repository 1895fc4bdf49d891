using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp.Processing;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The Qwen2-VL image processor for one still image: alpha dropped, smart-resized (bicubic) to multiples of 28 within
/// the pixel limits, rescaled by 1/255, normalised with the CLIP mean/std, the frame repeated to fill a temporal patch,
/// and cut into patch rows ordered by 2×2 merge block: <c>(t, h/m, w/m, m, m)</c>, each row <c>(C, T, P, P)</c>.
/// </summary>
public sealed class Qwen2VLImageProcessor(ImageProcessorConfig config)
{
    public ImageProcessorConfig Config { get; } = config;

    /// <summary>The size the image is resized to before patching.</summary>
    public (int Height, int Width) ResizedSize(int height, int width) =>
        SmartResize.Compute(height, width, Config.Factor, Config.MinPixels, Config.MaxPixels);

    public VisionInput Preprocess(RgbaImage image)
    {
        var (height, width) = ResizedSize(image.Height, image.Width);
        byte[] rgb = ToRgb(ImageResize.Stretch(image, width, height, KnownResamplers.Bicubic));
        using var scope = NewDisposeScope();
        var hwc = tensor(rgb, dtype: ScalarType.Byte).reshape(height, width, 3);
        var input = Patchify(hwc, height, width);
        input.PixelValues.MoveToOuterDisposeScope();
        return input;
    }

    // An (H, W, 3) uint8 tensor → normalised patch rows and the grid.
    private VisionInput Patchify(Tensor hwc, int height, int width)
    {
        using var scope = NewDisposeScope();
        int p = Config.PatchSize, t = Config.TemporalPatchSize, m = Config.MergeSize;
        var mean = tensor(Config.ImageMean, dtype: ScalarType.Float64);
        var std = tensor(Config.ImageStd, dtype: ScalarType.Float64);
        var normalized = ((hwc.to(ScalarType.Float64) * Kept(Config.RescaleFactor) - mean) / std).to(ScalarType.Float32);
        var frames = normalized.permute(2, 0, 1).unsqueeze(0).expand(t, -1, -1, -1);
        var grid = new ImageGrid(1, height / p, width / p);
        var patches = frames
            .reshape(grid.Temporal, t, 3, grid.Height / m, m, p, grid.Width / m, m, p)
            .permute(0, 3, 6, 4, 7, 2, 1, 5, 8)
            .reshape(grid.Patches, 3 * t * p * p);
        return new VisionInput(patches.contiguous().MoveToOuterDisposeScope(), grid);
    }

    private static byte[] ToRgb(RgbaImage image)
    {
        var rgb = new byte[image.PixelCount * 3];
        for (long i = 0; i < image.PixelCount; i++)
        {
            rgb[i * 3] = image.Pixels[i * 4];
            rgb[i * 3 + 1] = image.Pixels[i * 4 + 1];
            rgb[i * 3 + 2] = image.Pixels[i * 4 + 2];
        }
        return rgb;
    }
}
