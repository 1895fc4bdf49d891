namespace QwenLayered.Engine.Imaging;

/// <summary>
/// The image of a request as the user sent it: the encoded file (and region mask), checked from their headers when the
/// request is read and decoded only when it runs. A waiting job holds the file, not its pixels: an 8192x8192 PNG of a
/// few hundred kilobytes is 256 MB decoded. In-process callers that already hold pixels pass them as they are.
/// </summary>
public sealed class InputImage
{
    private readonly RgbaImage? _pixels;

    /// <param name="header">The image's header, checked against the limits when the request was read.</param>
    /// <param name="region">The part of the image to decompose; null for all of it.</param>
    public InputImage(ReadOnlyMemory<byte> encoded, ImageHeader header, ImageRegion? region = null) =>
        (Encoded, Header, Region) = (encoded, header, region);

    private InputImage(RgbaImage pixels) =>
        (_pixels, Header) = (pixels, new ImageHeader("RGBA", pixels.Width, pixels.Height, pixels.SourceBitsPerChannel));

    /// <summary>Pixels already decoded.</summary>
    public static implicit operator InputImage(RgbaImage pixels) => new(pixels);

    /// <summary>The file as sent; empty for pixels passed decoded.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public ImageHeader Header { get; }

    public ImageRegion? Region { get; }

    /// <summary>The width of what is decomposed: the region's, else the image's.</summary>
    public int Width => Region?.Width ?? Header.Width;

    /// <summary>The height of what is decomposed: the region's, else the image's.</summary>
    public int Height => Region?.Height ?? Header.Height;

    /// <summary>The pixels to decompose: the image decoded, cut to the region and transparent outside its mask.</summary>
    /// <exception cref="InvalidImageException">The pixels could not be decoded; the message names the field.</exception>
    public RgbaImage Decode()
    {
        if (_pixels is not null) return _pixels;
        var image = Decode(Encoded.Span, "image");
        if (Region is not { } region) return image;
        var mask = region.Mask.IsEmpty ? null : Decode(region.Mask.Span, "region.mask");
        return RegionCrop.Apply(image, region.X, region.Y, region.Width, region.Height, mask);
    }

    // The headers passed the limits when the request was read, and the same bytes decode within them.
    private static RgbaImage Decode(ReadOnlySpan<byte> bytes, string field)
    {
        try
        {
            return ImageDecoder.Decode(bytes, long.MaxValue, long.MaxValue);
        }
        catch (InvalidImageException error)
        {
            throw new InvalidImageException($"{field}: {error.Message}", error);
        }
    }
}

/// <summary>A rectangle of the input image, in its pixels, and an optional mask of its size (empty for none).</summary>
public sealed record ImageRegion(int X, int Y, int Width, int Height, ReadOnlyMemory<byte> Mask);
