using System.Text.Json;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// A 16-bit 4000x3000 source through the panel's own modules (connection, jobs, protocol, png) and the server's own
/// panel endpoint, on a stack of its own: its job takes minutes, and jobs queued behind it would wait for it.
/// </summary>
public class PanelPlacedLayersEndToEndTests(PanelStack stack) : IClassFixture<PanelStack>
{
    [Fact]
    public async Task PanelClient_SixteenBit4000x3000Source_GetsSixteenBitLayersPlacedOnItsCanvasThatRestackToIt()
    {
        Assert.True(PanelClientProcess.PanelDependenciesInstalled(), "The panel's png.js needs its dependencies: run npm ci in plugin-uxp first (scripts/test.sh does).");
        const int Width = 4000, Height = 3000;

        // Refining 12 megapixels at 16 bits takes the CPU minutes, many more on a loaded 2-core machine.
        var report = await PanelClientProcess.RunAsync($"ws://127.0.0.1:{stack.HttpPort}/panel", PanelStack.Token, TestImages.Png(64, 48), () => stack.Output,
            DeepSource(Width, Height), hung: 6 * Deadlines.Hung);

        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        var job = report.GetProperty("jobs").GetProperty("placed");
        Assert.Equal(("completed", 2), (job.GetProperty("state").GetString(), job.GetProperty("layerCount").GetInt32()));
        var started = Assert.Single(job.GetProperty("events").EnumerateArray(), e => PanelEndToEndTests.Type(e) == "started");
        Assert.Equal((Width, Height), (started.GetProperty("width").GetInt32(), started.GetProperty("height").GetInt32()));
        var placed = report.GetProperty("placed");
        Assert.Equal(16, placed.GetProperty("source").GetProperty("bitsPerChannel").GetInt32());
        Assert.All(placed.GetProperty("layers").EnumerateArray(), layer =>
        {
            var (x, y, width, height) = (layer.GetProperty("x").GetInt32(), layer.GetProperty("y").GetInt32(), layer.GetProperty("width").GetInt32(), layer.GetProperty("height").GetInt32());
            var png = layer.GetProperty("png");
            Assert.Equal((width, height, 16, 16), (png.GetProperty("width").GetInt32(), png.GetProperty("height").GetInt32(),
                png.GetProperty("bitsPerChannel").GetInt32(), layer.GetProperty("bitsPerChannel").GetInt32()));
            Assert.True(x >= 0 && y >= 0 && x + width <= Width && y + height <= Height, $"A layer of {width}x{height} at ({x}, {y}) leaves the canvas.");
        });
        // The noisy patch makes the background's PNG larger than one chunk.
        Assert.True(placed.GetProperty("chunks").GetInt32() > 0, "No layer came in chunks.");
        // At most 2/255 off, in 16-bit steps: the layers stack back to the source at its 16 bits.
        Assert.InRange(placed.GetProperty("restackError").GetInt32(), 0, 2 * 257);
    }

    /// <summary>
    /// An opaque 16-bit PNG: gradients whose values are no 8-bit value scaled up, and a patch of noise that no encoder
    /// compresses much.
    /// </summary>
    private static byte[] DeepSource(int width, int height)
    {
        var random = new Random(28);
        using var image = new Image<Rgba64>(width, height);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    int noise = x >= 1000 && x < 2000 && y >= 1000 && y < 2000 ? random.Next(4096) : 0;
                    row[x] = new Rgba64((ushort)(x * 16 + noise), (ushort)(y * 21 + 1), (ushort)((x + y) * 9 + 3), ushort.MaxValue);
                }
            }
        });
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit16 });
        return stream.ToArray();
    }
}
