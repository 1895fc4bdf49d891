using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using QwenLayered.Engine.Imaging;
using SixLabors.ImageSharp.Processing;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Writes OpenRaster (<c>.ora</c>) files, the layered format Krita and GIMP open: a zip holding <c>mimetype</c>
/// (first and stored, so the type sits at a fixed offset), <c>stack.xml</c> (layers top-most first, as the
/// specification orders them), one PNG per layer cropped to its alpha bounds, <c>mergedimage.png</c> and
/// <c>Thumbnails/thumbnail.png</c>.
/// </summary>
public static class OpenRaster
{
    public const string MimeType = "image/openraster";
    private const int ThumbnailSide = 256;

    public static void Write(string path, LayeredDocument document) => Write(path, document.Placed());

    /// <summary>Writes every layer as it is placed: its pixels at its offset, as a 16-bit PNG when it has 16-bit pixels.</summary>
    public static void Write(string path, PlacedDocument document)
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        using (var mimetype = zip.CreateEntry("mimetype", CompressionLevel.NoCompression).Open())
            mimetype.Write(Encoding.ASCII.GetBytes(MimeType));

        var stack = new XElement("stack");
        for (int index = 0; index < document.Layers.Count; index++)
        {
            var layer = document.Layers[index];
            string source = $"data/layer-{index + 1}.png";
            Add(zip, source, LayerFilePng.Encode(layer));
            stack.AddFirst(new XElement("layer",
                new XAttribute("name", layer.Name), new XAttribute("src", source),
                new XAttribute("x", layer.X), new XAttribute("y", layer.Y),
                new XAttribute("opacity", 1.0.ToString("0.0", CultureInfo.InvariantCulture)),
                new XAttribute("visibility", layer.Visible ? "visible" : "hidden")));
        }
        var image = new XElement("image", new XAttribute("version", "0.0.3"),
            new XAttribute("w", document.Width), new XAttribute("h", document.Height), stack);
        using (var writer = new StreamWriter(zip.CreateEntry("stack.xml").Open(), new UTF8Encoding(false)))
            new XDocument(new XDeclaration("1.0", "UTF-8", null), image).Save(writer);

        var composite = new RgbaImage(document.Width, document.Height, document.Composite());
        Add(zip, "mergedimage.png", LayerPng.Encode8(composite.Pixels, composite.Width, composite.Height));
        var thumbnail = Thumbnail(composite);
        Add(zip, "Thumbnails/thumbnail.png", LayerPng.Encode8(thumbnail.Pixels, thumbnail.Width, thumbnail.Height));
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var entry = zip.CreateEntry(name).Open();
        entry.Write(content);
    }

    // The specification caps thumbnails at 256 pixels on the longer side.
    private static RgbaImage Thumbnail(RgbaImage composite)
    {
        double scale = Math.Min(1.0, (double)ThumbnailSide / Math.Max(composite.Width, composite.Height));
        int width = Math.Max(1, (int)Math.Round(composite.Width * scale)), height = Math.Max(1, (int)Math.Round(composite.Height * scale));
        return ImageResize.Stretch(composite, width, height, KnownResamplers.Bicubic);
    }
}
