using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Engine.Imaging;

/// <summary>
/// Decodes untrusted PNG, JPEG and WebP bytes into RGBA with limits checked before pixels are allocated.
/// Grayscale, paletted and CMYK inputs are converted; anything else is refused with a clear message. A 16-bit PNG (the
/// only 16-bit format of the three) keeps its 16 bits in <see cref="RgbaImage.Pixels16"/> beside the 8-bit pixels.
/// </summary>
public static class ImageDecoder
{
    // Only the formats the contract accepts, so nothing else is ever parsed. Metadata is skipped: nothing here uses
    // it, and a PNG's compressed text chunks (zTXt, iTXt) would otherwise be inflated, a few hundred kilobytes
    // into hundreds of megabytes.
    private static readonly Configuration Formats = MetadataFreeFormats();

    /// <summary>Reads and checks the header only: the format, the size and the limits, without decoding pixels.</summary>
    /// <exception cref="InvalidImageException">The bytes are empty, too many, not an accepted format, or the image too large.</exception>
    public static unsafe ImageHeader ReadHeader(ReadOnlySpan<byte> data, long maxPixels, long maxBytes)
    {
        if (data.IsEmpty)
            throw new InvalidImageException("The image is empty: send the bytes of a PNG, JPEG or WebP file.");
        if (data.Length > maxBytes)
            throw new InvalidImageException($"The image file is {data.Length:N0} bytes; at most {maxBytes:N0} are accepted. Send a smaller or more compressed file.");
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            fixed (byte* bytes = data)
            {
                using var stream = new UnmanagedMemoryStream(bytes, data.Length);
                info = Image.Identify(Formats, stream, out format);
            }
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new InvalidImageException($"The image could not be read ({e.Message}). Save it again as PNG, JPEG or WebP.", e);
        }
        if (info is null || format is null)
            throw new InvalidImageException("The file is not a PNG, JPEG or WebP image. Save it in one of those formats.");
        if (info.Width <= 0 || info.Height <= 0)
            throw new InvalidImageException($"The image is {info.Width}x{info.Height} pixels: it has no pixels to decompose.");
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
            throw new InvalidImageException($"The image is {info.Width}x{info.Height} ({pixels:N0} pixels); at most {maxPixels:N0} pixels are accepted. Scale it down first.");
        return new ImageHeader(format.Name, info.Width, info.Height, SixteenBit(info, format) ? 16 : 8);
    }

    // The bit depth of each channel, whatever the channel count: a 16-bit grey PNG is 16 bits per pixel in all.
    private static bool SixteenBit(IImageInfo info, IImageFormat format) =>
        format == PngFormat.Instance && info.Metadata.GetPngMetadata().BitDepth == PngBitDepth.Bit16;

    public static RgbaImage Decode(ReadOnlySpan<byte> data, long maxPixels, long maxBytes)
    {
        var header = ReadHeader(data, maxPixels, maxBytes);
        try
        {
            return header.SourceBitsPerChannel == 16 ? Decode16(data) : Decode8(data);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new InvalidImageException($"The {header.Format} image is damaged or uses a feature that cannot be read ({e.Message}). Save it again and retry.", e);
        }
    }

    private static RgbaImage Decode8(ReadOnlySpan<byte> data)
    {
        using var image = Image.Load<Rgba32>(Formats, data);
        var rgba = new byte[checked(image.Width * image.Height * 4)];
        image.CopyPixelDataTo(rgba);
        return new RgbaImage(image.Width, image.Height, rgba);
    }

    // Both depths from one decode: the 8-bit pixels are the 16-bit ones rounded, as ImageSharp itself converts them.
    private static RgbaImage Decode16(ReadOnlySpan<byte> data)
    {
        using var image = Image.Load<Rgba64>(Formats, data);
        var deep = new ushort[checked(image.Width * image.Height * 4)];
        image.CopyPixelDataTo(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, Rgba64>(deep.AsSpan()));
        var rgba = new byte[deep.Length];
        for (int i = 0; i < deep.Length; i++) rgba[i] = (byte)((deep[i] * 255 + 32895) >> 16);
        return new RgbaImage(image.Width, image.Height, rgba, 16) { Pixels16 = deep };
    }

    private static Configuration MetadataFreeFormats()
    {
        var formats = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule());
        formats.ImageFormatsManager.SetDecoder(PngFormat.Instance, new PngDecoder { IgnoreMetadata = true });
        formats.ImageFormatsManager.SetDecoder(JpegFormat.Instance, new JpegDecoder { IgnoreMetadata = true });
        formats.ImageFormatsManager.SetDecoder(WebpFormat.Instance, new WebpDecoder { IgnoreMetadata = true });
        return formats;
    }
}
