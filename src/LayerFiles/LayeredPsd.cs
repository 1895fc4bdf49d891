using ImageMagick;
using QwenLayered.Engine.Pipeline;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Layered Photoshop files through ImageMagick. Its frame list is the composite first, then the layers bottom to top
/// (the order of the file's layer records), each cropped to its pixels with its offset in <c>Page</c> and its name in
/// <c>Label</c>. Blend modes other than normal and layer groups are not interpreted.
/// </summary>
public static class LayeredPsd
{
    private static readonly byte[] Signature = "8BPS"u8.ToArray();

    /// <summary>Writes every layer cropped to its alpha bounds; a fully transparent one as a 1×1 transparent layer.</summary>
    public static void Write(string path, LayeredDocument document) => Write(path, document.Placed());

    /// <summary>Writes every layer as it is placed: its pixels at its offset.</summary>
    public static void Write(string path, PlacedDocument document)
    {
        // ImageMagick's PSD writer has no hidden-layer flag, so a hidden layer would come back visible.
        if (document.Layers.Any(l => !l.Visible))
            throw new ArgumentException("Hidden layers cannot be written to a PSD; leave them out.");
        using var frames = new MagickImageCollection();
        frames.Add(Frame(BlendWithWhite(document.Composite()), document.Width, document.Height));
        foreach (var layer in document.Layers)
        {
            var frame = Frame(layer.Rgba8, layer.Width, layer.Height);
            frame.Label = layer.Name;
            frame.Page = new MagickGeometry(layer.X, layer.Y, (uint)layer.Width, (uint)layer.Height);
            frames.Add(frame);
        }
        frames.Write(path, MagickFormat.Psd);
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

    private static MagickImage Frame(byte[] rgba, int width, int height)
    {
        var frame = new MagickImage();
        frame.ReadPixels(rgba, new PixelReadSettings((uint)width, (uint)height, StorageType.Char, PixelMapping.RGBA));
        // Otherwise ImageMagick writes the whole file in grayscale mode when the composite happens to be gray.
        frame.SetAttribute("colorspace:auto-grayscale", "false");
        return frame;
    }

    private static byte[] Pixels(IMagickImage<byte> frame)
    {
        if (frame.ColorSpace != ColorSpace.sRGB) frame.ColorSpace = ColorSpace.sRGB;
        using var pixels = frame.GetPixels();
        return pixels.ToByteArray(PixelMapping.RGBA) ?? throw new InvalidDataException("ImageMagick returned no pixels.");
    }

    // Photoshop stores a transparent document's composite blended with white, and ImageMagick undoes that on reading.
    private static byte[] BlendWithWhite(byte[] blended)
    {
        for (int p = 0; p < blended.Length; p += 4)
        {
            double alpha = blended[p + 3] / 255.0;
            for (int c = 0; c < 3; c++)
                blended[p + c] = (byte)Math.Round(alpha * blended[p + c] + (1 - alpha) * 255);
        }
        return blended;
    }
}
