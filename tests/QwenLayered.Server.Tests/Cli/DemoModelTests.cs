using System.Text.Json;
using QwenLayered.Engine.Evaluation;
using QwenLayered.Engine.Imaging;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>The README's first command: <c>qwenlayered decompose samples/shapes.png</c> with the demo model that ships in models/.</summary>
public class DemoModelTests : IDisposable
{
    // The demo model recomposites its sample at about 2x dB (docs/benchmarks.md); well below that means it broke.
    private const double MinRecompositePsnr = 20;

    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-demo-").FullName;

    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "QwenLayered.sln"))) return Path.Combine(folder.FullName, relative);
        throw new DirectoryNotFoundException("The tests run outside the repository.");
    }

    [Fact]
    public async Task Decompose_SampleWithoutModelFlag_UsesTheDemoModelAndRecompositesTheInput()
    {
        string sample = RepositoryFile("samples/shapes.png");

        var run = await BuiltExecutables.RunAsync("qwenlayered", $"decompose \"{sample}\" --out \"{_work}\" --device cpu");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("qwenlayered-demo", run.Output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_work, "layers.json")));
        var files = manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("file").GetString()!).ToList();
        Assert.Equal(4, files.Count);
        var input = ImageDecoder.Decode(File.ReadAllBytes(sample), 1 << 24, 1 << 26);
        var layers = files.Select(f => ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(_work, f)), 1 << 24, 1 << 26)).ToList();
        Assert.All(layers, l => Assert.Equal((input.Width, input.Height), (l.Width, l.Height)));
        var recomposite = LayerCompositor.Over([.. layers.Select(l => l.Pixels)], input.Width, input.Height);
        Assert.InRange(LayerMetrics.RgbPsnr(recomposite, input.Pixels), MinRecompositePsnr, double.PositiveInfinity);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
