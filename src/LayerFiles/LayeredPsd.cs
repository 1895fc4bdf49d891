using ImageMagick;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Layered Photoshop files: written by <see cref="PsdWriter"/> (8 or 16 bits), read through ImageMagick, whose frame
/// list is the composite first, then the layers bottom to top (the order of the file's layer records), each cropped to
/// its pixels with its offset in <c>Page</c> and its name in <c>Label</c>. Blend modes other than normal and layer
/// groups are not interpreted.
/// </summary>
public static class LayeredPsd
{
    private static readonly byte[] Signature = "8BPS"u8.ToArray();

    /// <summary>Writes every layer cropped to its alpha bounds; a fully transparent one as a 1×1 transparent layer.</summary>
    public static void Write(string path, LayeredDocument document) => Write(path, document.Placed());

    /// <summary>
    /// Writes every layer as it is placed: its pixels at its offset, at 16 bits per channel when every layer has 16-bit
    /// pixels, else at 8.
    /// </summary>
    public static void Write(string path, PlacedDocument document)
    {
        int bits = document.Layers.Count > 0 && document.Layers.All(l => l.Rgba16 is not null) ? 16 : 8;
        using var file = new BufferedStream(File.Create(path), 1 << 20);
        PsdWriter.Write(file, document, bits);
    }

    /// <summary>
    /// The layers as full-canvas RGBA8, bottom to top, with their names and visibility (layer opacity is applied to
    /// the pixels). A flat PSD, one without layers, comes back as a single layer named "Background".
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a PSD, is damaged, or exceeds <paramref name="limits"/>.</exception>
    public static LayeredDocument Read(string path, PsdReadLimits limits)
    {
        RequireSignature(path);
        // The format is named so that only ImageMagick's PSD reader ever parses the file.
        var settings = new MagickReadSettings { Format = MagickFormat.Psd };
        using var frames = new MagickImageCollection();
        try
        {
            frames.Ping(path, settings);
            var (width, height) = ((int)frames[0].Width, (int)frames[0].Height);
            if (frames.FirstOrDefault(f => (long)f.Width * f.Height > limits.MaxPixels) is { } large)
                throw new InvalidDataException($"{path} holds a {large.Width}x{large.Height} image; at most {limits.MaxPixels:N0} pixels are read.");
            if (frames.Count - 1 > limits.MaxLayers)
                throw new InvalidDataException($"{path} has {frames.Count - 1} layers; at most {limits.MaxLayers} are read.");
            frames.Read(path, settings);
            if (frames.Count == 1)
                return new LayeredDocument(width, height, [new DocumentLayer("Background", Pixels(frames[0]))]);
            var layers = frames.Skip(1).Select((frame, index) => new DocumentLayer(
                string.IsNullOrEmpty(frame.Label) ? DecompositionPolicy.LayerName(index) : frame.Label,
                LayerCrop.Place(Pixels(frame), (int)frame.Width, (int)frame.Height, frame.Page.X, frame.Page.Y, width, height),
                Visible: frame.Compose != CompositeOperator.No));
            return new LayeredDocument(width, height, [.. layers]);
        }
        catch (MagickException e)
        {
            throw new InvalidDataException($"{path} is a damaged or unsupported PSD ({e.Message}).", e);
        }
    }

    private static void RequireSignature(string path)
    {
        var start = new byte[Signature.Length];
        using (var file = File.OpenRead(path))
            file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        if (!start.AsSpan().SequenceEqual(Signature))
            throw new InvalidDataException($"{path} is not a PSD file (it does not start with the Photoshop signature 8BPS).");
    }

    private static byte[] Pixels(IMagickImage<byte> frame)
    {
        if (frame.ColorSpace != ColorSpace.sRGB) frame.ColorSpace = ColorSpace.sRGB;
        using var pixels = frame.GetPixels();
        return pixels.ToByteArray(PixelMapping.RGBA) ?? throw new InvalidDataException("ImageMagick returned no pixels.");
    }
}
