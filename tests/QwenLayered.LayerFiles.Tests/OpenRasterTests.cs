using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using QwenLayered.Engine.Imaging;

namespace QwenLayered.LayerFiles.Tests;

public class OpenRasterTests : IDisposable
{
    private const int Width = 20, Height = 12;
    private readonly TempFolder _temp = new();

    private static LayeredDocument TwoLayers() => new(Width, Height,
    [
        new DocumentLayer("Paper", TestLayers.Opaque(Width, Height)),
        new DocumentLayer("Ink", TestLayers.Patch(Width, Height, 4, 3, 9, 6, 90, 40, 200)),
    ]);

    [Fact]
    public void Write_PutsAStoredMimetypeFirst()
    {
        string path = _temp.File("doc.ora");

        OpenRaster.Write(path, TwoLayers());

        // The specification fixes the first local header: "mimetype", stored (method 0), content at offset 38.
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal("PK\u0003\u0004", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(0, BitConverter.ToUInt16(bytes, 8));
        Assert.Equal("mimetype", Encoding.ASCII.GetString(bytes, 30, 8));
        Assert.Equal("image/openraster", Encoding.ASCII.GetString(bytes, 38, 16));
    }

    [Fact]
    public void Write_StackListsTheTopMostLayerFirstWithOffsetsAndCroppedPixels()
    {
        var document = TwoLayers();
        string path = _temp.File("doc.ora");

        OpenRaster.Write(path, document);

        using var zip = ZipFile.OpenRead(path);
        var image = XDocument.Load(zip.GetEntry("stack.xml")!.Open()).Root!;
        Assert.Equal(("20", "12"), (image.Attribute("w")?.Value, image.Attribute("h")?.Value));
        var layers = image.Element("stack")!.Elements("layer").ToList();
        Assert.Equal(["Ink", "Paper"], layers.Select(l => l.Attribute("name")!.Value));
        Assert.Equal(["4,3", "0,0"], layers.Select(l => $"{l.Attribute("x")!.Value},{l.Attribute("y")!.Value}"));
        Assert.All(layers, l => Assert.Equal("visible", l.Attribute("visibility")!.Value));
        var ink = Decode(zip, layers[0].Attribute("src")!.Value);
        Assert.Equal((9, 6), (ink.Width, ink.Height));
        var placed = Place(ink, 4, 3);
        LayeredPsdTests.AssertSamePixelsWhereCovered(document.Layers[1].Rgba8, placed);
        Assert.Equal(document.Layers[0].Rgba8, Decode(zip, layers[1].Attribute("src")!.Value).Pixels);
    }

    [Fact]
    public void Write_MergedImageIsTheCompositeAndTheThumbnailFits256()
    {
        var large = new LayeredDocument(600, 300, [new DocumentLayer("Paper", TestLayers.Opaque(600, 300))]);
        string path = _temp.File("large.ora");

        OpenRaster.Write(path, large);

        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(large.Composite(), Decode(zip, "mergedimage.png").Pixels);
        var thumbnail = Decode(zip, "Thumbnails/thumbnail.png");
        Assert.Equal((256, 128), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public void Write_SixteenBitPlacedLayer_StoresA16BitPngAtItsOffset()
    {
        ushort[] deep = [1, 2, 3, 65535, 40000, 300, 7, 32768];
        var document = new PlacedDocument(Width, Height, [new PlacedLayer("Deep", 5, 7, 2, 1, [0, 0, 0, 255, 156, 1, 0, 128]) { Rgba16 = deep }]);
        string path = _temp.File("deep.ora");

        OpenRaster.Write(path, document);

        using var zip = ZipFile.OpenRead(path);
        var layer = XDocument.Load(zip.GetEntry("stack.xml")!.Open()).Root!.Element("stack")!.Element("layer")!;
        Assert.Equal(("5", "7"), (layer.Attribute("x")!.Value, layer.Attribute("y")!.Value));
        var png = Decode(zip, layer.Attribute("src")!.Value);
        Assert.Equal(deep, png.Pixels16);
    }

    [Fact]
    public void Write_PlacedLayers_MergedImageStacksThemAtTheirOffsets()
    {
        var full = new LayeredDocument(Width, Height, [
            new DocumentLayer("Paper", TestLayers.Opaque(Width, Height)),
            new DocumentLayer("Ink", TestLayers.Patch(Width, Height, 4, 3, 9, 6, 90, 40, 200))]);
        string path = _temp.File("placed.ora");

        OpenRaster.Write(path, full.Placed());

        using var zip = ZipFile.OpenRead(path);
        Assert.Equal(full.Composite(), Decode(zip, "mergedimage.png").Pixels);
    }

    private static RgbaImage Decode(ZipArchive zip, string name)
    {
        using var stream = new MemoryStream();
        zip.GetEntry(name)!.Open().CopyTo(stream);
        return ImageDecoder.Decode(stream.ToArray(), long.MaxValue, long.MaxValue);
    }

    private static byte[] Place(RgbaImage patch, int x, int y)
    {
        var canvas = new byte[Width * Height * 4];
        for (int row = 0; row < patch.Height; row++)
            Array.Copy(patch.Pixels, row * patch.Width * 4, canvas, ((y + row) * Width + x) * 4, patch.Width * 4);
        return canvas;
    }

    public void Dispose() => _temp.Dispose();
}
