using QwenLayered.Engine.Imaging;

namespace QwenLayered.Server.Imaging;

/// <summary>Cuts the requested region out of the input: the rect's pixels, transparent where the mask is zero.</summary>
public static class RegionCrop
{
    /// <param name="mask">The mask decoded as RGBA, of the rect's size; its red channel (the gray level) is used.</param>
    public static RgbaImage Apply(RgbaImage image, int x, int y, int width, int height, RgbaImage? mask)
    {
        var pixels = new byte[checked(width * height * 4)];
        for (int row = 0; row < height; row++)
            Array.Copy(image.Pixels, ((y + row) * image.Width + x) * 4, pixels, row * width * 4, width * 4);
        if (mask is not null)
            for (int i = 0; i < width * height; i++)
                if (mask.Pixels[i * 4] == 0) pixels[i * 4 + 3] = 0;
        return new RgbaImage(width, height, pixels, image.SourceBitsPerChannel);
    }
}
