using QwenLayered.Engine.Imaging;
using QwenLayered.Server.Imaging;

namespace QwenLayered.Server.Jobs;

/// <summary>
/// A job's input as the artist sent it: the encoded image (and region mask), checked from their headers at submit and
/// decoded only when the job starts. A waiting job holds the file, not its pixels: an 8192x8192 PNG of a few hundred
/// kilobytes is 256 MB decoded.
/// </summary>
/// <param name="Header">The image's header, checked against the server's limits at submit.</param>
/// <param name="Region">The part of the image to decompose; null for all of it.</param>
public sealed record JobInput(ReadOnlyMemory<byte> Image, ImageHeader Header, JobRegion? Region = null)
{
    /// <summary>The width of what is decomposed: the region's, else the image's.</summary>
    public int Width => Region?.Width ?? Header.Width;

    /// <summary>The height of what is decomposed: the region's, else the image's.</summary>
    public int Height => Region?.Height ?? Header.Height;

    /// <summary>The pixels to decompose: the image decoded, cut to the region and transparent outside its mask.</summary>
    /// <exception cref="InvalidImageException">The pixels could not be decoded; the message names the field.</exception>
    public RgbaImage Decode()
    {
        var image = Decode(Image.Span, "image");
        if (Region is not { } region) return image;
        var mask = region.Mask.IsEmpty ? null : Decode(region.Mask.Span, "region.mask");
        return RegionCrop.Apply(image, region.X, region.Y, region.Width, region.Height, mask);
    }

    // The headers passed the server's limits at submit, and the same bytes decode within them.
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
public sealed record JobRegion(int X, int Y, int Width, int Height, ReadOnlyMemory<byte> Mask);
