namespace QwenLayered.Engine.Imaging;

/// <summary>
/// Cuts the requested region out of the input: the rect's pixels, transparent where the mask is zero, at 16 bits too
/// when the input has them.
/// </summary>
public static class RegionCrop
{
    /// <param name="mask">The mask decoded as RGBA, of the rect's size; its red channel (the gray level) is used.</param>
    public static RgbaImage Apply(RgbaImage image, int x, int y, int width, int height, RgbaImage? mask)
    {
        var pixels = Cut(image.Pixels, image.Width, x, y, width, height);
        var deep = image.Pixels16 is { } source ? Cut(source, image.Width, x, y, width, height) : null;
        if (mask is not null)
            for (int i = 0; i < width * height; i++)
                if (mask.Pixels[i * 4] == 0)
                {
                    pixels[i * 4 + 3] = 0;
                    if (deep is not null) deep[i * 4 + 3] = 0;
                }
        return new RgbaImage(width, height, pixels, image.SourceBitsPerChannel) { Pixels16 = deep };
    }

    private static T[] Cut<T>(T[] source, int sourceWidth, int x, int y, int width, int height)
    {
        var cut = new T[checked(width * height * 4)];
        for (int row = 0; row < height; row++)
            Array.Copy(source, ((y + row) * sourceWidth + x) * 4, cut, row * width * 4, width * 4);
        return cut;
    }
}
