using System.Text.Json;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Vae;
using QwenLayered.Tests;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>The README's first command: <c>qwenlayered decompose samples/shapes.png</c> with the demo model that ships in models/.</summary>
public class DemoModelTests : IDisposable
{
    // The shipped demo model recomposites this sample at 16.4 dB (docs/benchmarks.md); empty, noise-filled or
    // misordered layers land below 10 dB.
    private const double MinRecompositePsnr = 14;

    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-demo-").FullName;

    [Fact]
    public async Task Decompose_SampleWithoutModelFlag_UsesTheDemoModelAndRecompositesTheInput()
    {
        string sample = Repository.PathOf("samples/shapes.png");

        var run = await BuiltExecutables.RunAsync("qwenlayered", $"decompose \"{sample}\" --out \"{_work}\" --device cpu");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("qwenlayered-demo", run.Output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "layers.json")));
        var files = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("file").GetString()!).ToList();
        Assert.Equal(4, files.Count);
        var layers = files.Select(f => Decode(Path.Combine(_work, f))).ToList();
        var (width, height) = (layers[0].Width, layers[0].Height);
        Assert.All(layers, l => Assert.Equal((width, height), (l.Width, l.Height)));
        // The model answers at its working size; the input is compared at that size, resized as the pipeline resizes it.
        int vaeScale = ModelFolder.Open(Repository.PathOf("models/qwenlayered-demo")).Component("vae").ReadConfig<AutoencoderKLQwenImageConfig>().SpatialCompression;
        var input = ImagePreprocessing.ToWorkingSize(Decode(sample), WorkingSize.ForArea(width, height, (long)width * height, vaeScale));
        var recomposite = LayerCompositor.Over([.. layers.Select(l => l.Pixels)], width, height);
        Assert.InRange(LayerMetrics.RgbPsnr(recomposite, input.Pixels), MinRecompositePsnr, double.PositiveInfinity);
    }

    private static RgbaImage Decode(string path) => ImageDecoder.Decode(File.ReadAllBytes(path), 1 << 24, 1 << 26);

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
