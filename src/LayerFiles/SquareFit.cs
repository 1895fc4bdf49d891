using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Fits a document into a side×side square, the same transform on every layer: the longer side is scaled to
/// <c>side</c> (premultiplied bicubic, so transparent pixels do not bleed their colour), then the image is centred.
/// The margin is transparent on every layer except the bottom one, which is extended by repeating its edge pixels,
/// so an opaque background stays opaque (training scenes need one).
/// </summary>
public static class SquareFit
{
    public static LayeredDocument Apply(LayeredDocument document, int side)
    {
        double scale = (double)side / Math.Max(document.Width, document.Height);
        int width = Math.Clamp((int)Math.Round(document.Width * scale), 1, side);
        int height = Math.Clamp((int)Math.Round(document.Height * scale), 1, side);
        var layers = document.Layers.Select((layer, index) => layer with
        {
            Rgba8 = Pad(Resize(layer.Rgba8, document.Width, document.Height, width, height), width, height, side, repeatEdges: index == 0),
        });
        return new LayeredDocument(side, side, [.. layers]);
    }

    private static byte[] Resize(byte[] rgba, int width, int height, int newWidth, int newHeight)
    {
        if (width == newWidth && height == newHeight) return rgba;
        using var image = Image.LoadPixelData<Rgba32>(rgba, width, height);
        image.Mutate(x => x.Resize(new ResizeOptions
        {
            Size = new Size(newWidth, newHeight), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Bicubic, PremultiplyAlpha = true,
        }));
        var resized = new byte[newWidth * newHeight * 4];
        image.CopyPixelDataTo(resized);
        return resized;
    }

    private static byte[] Pad(byte[] rgba, int width, int height, int side, bool repeatEdges)
    {
        int left = (side - width) / 2, top = (side - height) / 2;
        var square = new byte[side * side * 4];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                int sourceX = x - left, sourceY = y - top;
                bool inside = sourceX >= 0 && sourceX < width && sourceY >= 0 && sourceY < height;
                if (!inside && !repeatEdges) continue;
                int source = (Math.Clamp(sourceY, 0, height - 1) * width + Math.Clamp(sourceX, 0, width - 1)) * 4;
                Array.Copy(rgba, source, square, (y * side + x) * 4, 4);
            }
        }
        return square;
    }
}
