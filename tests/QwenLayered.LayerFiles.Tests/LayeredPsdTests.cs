using System.Text;
using ImageMagick;

namespace QwenLayered.LayerFiles.Tests;

public class LayeredPsdTests : IDisposable
{
    private const int Width = 24, Height = 16;
    private readonly TempFolder _temp = new();

    private static LayeredDocument ThreeLayers() => new(Width, Height,
    [
        new DocumentLayer("Bottom", TestLayers.Opaque(Width, Height)),
        new DocumentLayer("Middle", TestLayers.Patch(Width, Height, 3, 2, 7, 5, 200, 10, 30)),
        new DocumentLayer("Top", TestLayers.Patch(Width, Height, 15, 9, 6, 4, 20, 150, 90)),
    ]);

    [Fact]
    public void Write_ThenRead_KeepsNamesOrderAndPixelsIncludingSoftAlpha()
    {
        var document = ThreeLayers();
        string path = _temp.File("three.psd");

        LayeredPsd.Write(path, document);
        var read = LayeredPsd.Read(path, PsdReadLimits.Default);

        Assert.Equal((Width, Height), (read.Width, read.Height));
        Assert.Equal(["Bottom", "Middle", "Top"], read.Layers.Select(l => l.Name));
        Assert.All(read.Layers, l => Assert.True(l.Visible));
        for (int i = 0; i < 3; i++)
            AssertSamePixelsWhereCovered(document.Layers[i].Rgba8, read.Layers[i].Rgba8);
    }

    [Fact]
    public void Write_CropsEachLayerToItsAlphaBoundsWithItsOffset()
    {
        string path = _temp.File("cropped.psd");

        LayeredPsd.Write(path, ThreeLayers());

        using var frames = new MagickImageCollection(path);
        Assert.Equal(4, frames.Count);
        Assert.Equal((0, 0, 24u, 16u), Page(frames[1]));
        Assert.Equal((3, 2, 7u, 5u), Page(frames[2]));
        Assert.Equal((15, 9, 6u, 4u), Page(frames[3]));
    }

    [Fact]
    public void Write_StoresTheBottomLayerFirstInTheFile()
    {
        string path = _temp.File("order.psd");

        LayeredPsd.Write(path, ThreeLayers());

        // The PSD specification lists layer records bottom-most first; each record ends with its Pascal-string name.
        string bytes = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        Assert.True(bytes.IndexOf("Bottom", StringComparison.Ordinal) < bytes.IndexOf("Middle", StringComparison.Ordinal));
        Assert.True(bytes.IndexOf("Middle", StringComparison.Ordinal) < bytes.IndexOf("Top", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_FullyTransparentLayer_IsKeptAsAnEmptyLayer()
    {
        var document = new LayeredDocument(Width, Height,
            [new DocumentLayer("Paper", TestLayers.Opaque(Width, Height)), new DocumentLayer("Nothing", new byte[Width * Height * 4])]);
        string path = _temp.File("empty.psd");

        LayeredPsd.Write(path, document);
        var read = LayeredPsd.Read(path, PsdReadLimits.Default);

        Assert.Equal(["Paper", "Nothing"], read.Layers.Select(l => l.Name));
        Assert.All(Alphas(read.Layers[1].Rgba8), a => Assert.Equal(0, a));
    }

    [Fact]
    public void Write_PlacedLayers_LandAtTheirOffsetsWithTheirNamesAndPixels()
    {
        var patch = TestLayers.Patch(3, 2, 0, 0, 3, 2, 40, 50, 60);
        var document = new PlacedDocument(Width, Height,
            [new PlacedLayer("Paper", 0, 0, Width, Height, TestLayers.Opaque(Width, Height)), new PlacedLayer("Stamp", 17, 11, 3, 2, patch)]);
        string path = _temp.File("placed.psd");

        LayeredPsd.Write(path, document);

        using (var frames = new MagickImageCollection(path))
            Assert.Equal((17, 11, 3u, 2u), Page(frames[2]));
        var read = LayeredPsd.Read(path, PsdReadLimits.Default);
        Assert.Equal(["Paper", "Stamp"], read.Layers.Select(l => l.Name));
        var expected = new byte[Width * Height * 4];
        for (int row = 0; row < 2; row++) Array.Copy(patch, row * 12, expected, ((11 + row) * Width + 17) * 4, 12);
        AssertSamePixelsWhereCovered(expected, read.Layers[1].Rgba8);
    }

    [Fact]
    public void Write_SixteenBitLayers_IsASixteenBitPsdWithEveryValueOffsetSizeAndName()
    {
        ushort[] paper = [.. Enumerable.Range(0, Width * Height * 4).Select(i => (ushort)(i % 4 == 3 ? 65535 : i * 97 % 65536))];
        ushort[] stamp = [1, 2, 3, 65535, 40000, 300, 7, 32768, 257, 65534, 12345, 1];
        var document = new PlacedDocument(Width, Height,
        [
            new PlacedLayer("Paper", 0, 0, Width, Height, new byte[Width * Height * 4]) { Rgba16 = paper },
            new PlacedLayer("Himmel über 東京", 17, 11, 3, 1, new byte[12]) { Rgba16 = stamp },
        ]);
        string path = _temp.File("deep.psd");

        LayeredPsd.Write(path, document);

        var (depth, layers) = PsdLayerReader.Read(path);
        Assert.Equal(16, depth);
        Assert.Equal([("Paper", 0, 0, Width, Height), ("Himmel über 東京", 17, 11, 3, 1)], layers.Select(l => (l.UnicodeName, l.X, l.Y, l.Width, l.Height)));
        Assert.Equal("Himmel über 東京", layers[1].Name);
        for (int i = 0; i < 2; i++)
        {
            var expected = i == 0 ? paper : stamp;
            short[] ids = [0, 1, 2, -1];
            for (int c = 0; c < 4; c++)
                Assert.Equal(expected.Where((_, index) => index % 4 == c).Select(v => (int)v), layers[i].Channels[ids[c]]);
        }
        // ImageMagick reads it too (its Q8 build at 8 bits, and a name beyond ASCII not quite as written).
        using var frames = new MagickImageCollection(path);
        Assert.Equal(("Paper", (17, 11, 3u, 1u)), (frames[1].Label, Page(frames[2])));
    }

    [Fact]
    public void Write_EightBitLayers_StoresEveryValueAsIs()
    {
        var document = ThreeLayers();
        string path = _temp.File("eight.psd");

        LayeredPsd.Write(path, document);

        var (depth, layers) = PsdLayerReader.Read(path);
        Assert.Equal(8, depth);
        var placed = document.Placed().Layers;
        for (int i = 0; i < 3; i++)
            Assert.Equal(placed[i].Rgba8.Where((_, index) => index % 4 == 0).Select(v => (int)v), layers[i].Channels[0]);
    }

    [Fact]
    public void Read_FlatPsd_IsOneBackgroundLayer()
    {
        string path = _temp.File("flat.psd");
        using (var flat = new MagickImage(new MagickColor(10, 20, 30), 5, 3))
        {
            flat.Settings.SetDefine(MagickFormat.Psd, "write-layers", "false");
            flat.Write(path, MagickFormat.Psd);
        }

        var read = LayeredPsd.Read(path, PsdReadLimits.Default);

        var layer = Assert.Single(read.Layers);
        Assert.Equal("Background", layer.Name);
        Assert.Equal((5, 3), (read.Width, read.Height));
        Assert.Equal([10, 20, 30, 255], layer.Rgba8[..4]);
    }

    [Fact]
    public void Read_LayerMarkedHidden_ComesBackNotVisible()
    {
        string path = _temp.File("hidden.psd");
        LayeredPsd.Write(path, ThreeLayers());
        PsdBytes.HideLayer(path, layerIndex: 1);

        var read = LayeredPsd.Read(path, PsdReadLimits.Default);

        Assert.Equal([true, false, true], read.Layers.Select(l => l.Visible));
    }

    [Fact]
    public void Read_NotAPsd_NamesTheFile()
    {
        string path = _temp.File("notes.psd");
        File.WriteAllText(path, "just text");

        var error = Assert.Throws<InvalidDataException>(() => LayeredPsd.Read(path, PsdReadLimits.Default));

        Assert.Contains(path, error.Message);
        Assert.Contains("not a PSD", error.Message);
    }

    [Fact]
    public void Read_ImageOverThePixelLimit_IsRefused()
    {
        string path = _temp.File("big.psd");
        LayeredPsd.Write(path, ThreeLayers());

        var error = Assert.Throws<InvalidDataException>(() => LayeredPsd.Read(path, new PsdReadLimits(MaxPixels: 100, MaxLayers: 10)));

        Assert.Contains("at most 100 pixels", error.Message);
    }

    [Fact]
    public void Read_MoreLayersThanTheLimit_IsRefused()
    {
        string path = _temp.File("many.psd");
        LayeredPsd.Write(path, ThreeLayers());

        var error = Assert.Throws<InvalidDataException>(() => LayeredPsd.Read(path, new PsdReadLimits(MaxPixels: 10_000, MaxLayers: 2)));

        Assert.Contains("3 layers", error.Message);
    }

    private static (int, int, uint, uint) Page(IMagickImage<byte> frame) => (frame.Page.X, frame.Page.Y, frame.Width, frame.Height);

    private static IEnumerable<byte> Alphas(byte[] rgba) => rgba.Where((_, i) => i % 4 == 3);

    // Colour is only defined where a pixel is not fully transparent.
    internal static void AssertSamePixelsWhereCovered(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int p = 0; p < expected.Length; p += 4)
        {
            Assert.Equal(expected[p + 3], actual[p + 3]);
            if (expected[p + 3] > 0) Assert.Equal(expected[p..(p + 3)], actual[p..(p + 3)]);
        }
    }

    public void Dispose() => _temp.Dispose();
}
