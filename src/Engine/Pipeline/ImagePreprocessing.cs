using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp.Processing;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>Turns the input image into the VAE's input: resized to the working size, RGBA in [−1, 1].</summary>
internal static class ImagePreprocessing
{
    /// <summary>[1, 4, 1, H, W] float32 on the CPU; the caller moves it to the model's device and dtype.</summary>
    public static Tensor ToVaeInput(RgbaImage image, WorkingSize size) =>
        PixelsToVaeInput(ToWorkingSize(image, size).Pixels, size.Width, size.Height);

    /// <summary>RGBA bytes already at the working size as [1, 4, 1, H, W] float32 in [−1, 1] on the CPU.</summary>
    public static Tensor PixelsToVaeInput(byte[] pixels, int width, int height)
    {
        using var scope = NewDisposeScope();
        var hwc = tensor(pixels, dtype: ScalarType.Byte).reshape(height, width, 4);
        var chw = hwc.permute(2, 0, 1).to(ScalarType.Float32) / Kept(255f) * Kept(2f) - Kept(1f);
        return chw.reshape(1, 4, 1, height, width).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The image at the working size (the reference's <c>prompt_image</c>, which the VAE and the captioner both see):
    /// Lanczos (a = 3), the reference's filter, on straight RGBA as the reference does.
    /// </summary>
    public static RgbaImage ToWorkingSize(RgbaImage image, WorkingSize size) =>
        ImageResize.Stretch(image, size.Width, size.Height, KnownResamplers.Lanczos3);
}
