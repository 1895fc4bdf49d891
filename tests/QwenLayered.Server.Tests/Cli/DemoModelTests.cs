using System.Text.Json;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Tests;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>
/// The README's first command, <c>qwenlayered decompose samples/…</c>, with the demo model that ships in models/: the
/// layers come at the sample's own size, each at its offset, and stack back to the sample.
/// </summary>
public class DemoModelTests : IDisposable
{
    // 8-bit layers that restack to the input: PSNR 50 dB and no pixel off by more than 2 levels. The working-size
    // layers upscaled give back 16–18 dB (docs/benchmarks.md).
    private const double MinRestackPsnr = 50;
    private const int MaxRestackError = 2;

    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-demo-").FullName;

    public static TheoryData<string> Samples => new(Directory.GetFiles(Repository.PathOf("samples"), "*.png").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Decompose_SampleWithoutModelFlag_UsesTheDemoModelAndItsLayersRestackToTheSample(string sampleName)
    {
        string sample = Repository.PathOf($"samples/{sampleName}");

        var run = await BuiltExecutables.RunAsync("qwenlayered", $"decompose \"{sample}\" --out \"{_work}\" --device cpu");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("qwenlayered-demo", run.Output);
        var input = Decode(sample);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "layers.json")));
        Assert.Equal((input.Width, input.Height),
            (manifest.RootElement.GetProperty("width").GetInt32(), manifest.RootElement.GetProperty("height").GetInt32()));
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(Placed).ToList();
        Assert.Equal(4, layers.Count);
        Assert.All(layers, l => Assert.True(l.X >= 0 && l.Y >= 0 && l.X + l.Width <= input.Width && l.Y + l.Height <= input.Height));
        // Each layer file holds only what its layer covers (README): cropped to its pixels, no transparent edge left.
        Assert.All(layers, l => Assert.True(CroppedToItsPixels(l), $"layer {l.Index + 1} ({l.Width}x{l.Height} at {l.X},{l.Y}) has a transparent edge"));
        var (psnr, maxError) = Restack.Compare(Restack.ClearTransparent(input.Pixels), Restack.Over8(layers, input.Width, input.Height), 255);
        Assert.True(psnr >= MinRestackPsnr && maxError <= MaxRestackError, $"restacked at {psnr:F1} dB, largest error {maxError}/255");
    }

    // A layer file of layers.json, as the engine reported it: its pixels at its offset.
    private DecodedLayer Placed(JsonElement entry, int index)
    {
        var image = Decode(Path.Combine(_work, entry.GetProperty("file").GetString()!));
        return new DecodedLayer(index, image.Width, image.Height, image.Pixels, null)
        {
            X = entry.GetProperty("x").GetInt32(),
            Y = entry.GetProperty("y").GetInt32(),
        };
    }

    // Its first and last rows and columns each hold a pixel that is not fully transparent.
    private static bool CroppedToItsPixels(DecodedLayer layer)
    {
        bool Shows(int x, int y) => layer.Rgba8[(y * layer.Width + x) * 4 + 3] > 0;
        bool RowShows(int y) => Enumerable.Range(0, layer.Width).Any(x => Shows(x, y));
        bool ColumnShows(int x) => Enumerable.Range(0, layer.Height).Any(y => Shows(x, y));
        return RowShows(0) && RowShows(layer.Height - 1) && ColumnShows(0) && ColumnShows(layer.Width - 1);
    }

    private static RgbaImage Decode(string path) => ImageDecoder.Decode(File.ReadAllBytes(path), 1 << 24, 1 << 26);

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
