using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace QwenLayered.Engine.Imaging;

/// <summary>Resamples straight-alpha RGBA to an exact size, as the reference's PIL resize does (no premultiplying).</summary>
public static class ImageResize
{
    /// <summary>The image itself when it already has that size.</summary>
    public static RgbaImage Stretch(RgbaImage image, int width, int height, IResampler sampler)
    {
        if (image.Width == width && image.Height == height) return image;
        using var picture = Image.LoadPixelData<Rgba32>(image.Pixels, image.Width, image.Height);
        picture.Mutate(x => x.Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = ResizeMode.Stretch,
            Sampler = sampler,
            PremultiplyAlpha = false,
        }));
        var resized = new byte[width * height * 4];
        picture.CopyPixelDataTo(resized);
        return new RgbaImage(width, height, resized, image.SourceBitsPerChannel);
    }
}
