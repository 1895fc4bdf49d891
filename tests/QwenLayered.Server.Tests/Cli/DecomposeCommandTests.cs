using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using QwenLayered.Engine.Imaging;
using QwenLayered.LayerFiles;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered decompose</c> as a user would (in the test's process), on a model built from the fixture pipeline weights.</summary>
public class DecomposeCommandTests(FixtureModelFolder model, NaNModelFolder damaged) : IClassFixture<FixtureModelFolder>, IClassFixture<NaNModelFolder>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-decompose-").FullName;

    private string ModelFolder => model.Folder;

    private string InputImage()
    {
        var pixels = new byte[48 * 32 * 4];
        for (int i = 0; i < pixels.Length; i += 4) (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]) = ((byte)i, 100, 200, 255);
        string path = Path.Combine(_work, "poster.png");
        File.WriteAllBytes(path, LayerPng.Encode8(pixels, 48, 32));
        return path;
    }

    [Fact]
    public async Task Decompose_FixtureModel_WritesLayersCompositeAndManifest()
    {
        string output = Path.Combine(_work, "out");

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--out", output, "--layers", "2", "--steps", "2", "--prompt", "a poster",
            "--device", "cpu", "--seed", "9");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Prompt: a poster", run.Output);
        Assert.Contains("step 2/2", run.Output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "layers.json")));
        var root = manifest.RootElement;
        Assert.Equal("bottom-to-top", root.GetProperty("order").GetString());
        Assert.Equal(["layer-1.png", "layer-2.png"], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("file").GetString()));
        // The model's tiny captioner names each layer; its names, not "Layer N", go to the manifest, the PSD and the ORA.
        var names = root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).ToList();
        Assert.All(names, name => Assert.False(string.IsNullOrWhiteSpace(name) || name.StartsWith("Layer ", StringComparison.Ordinal), name));
        Assert.Equal(9UL, root.GetProperty("settings").GetProperty("seed").GetUInt64());
        Assert.Equal("a poster", root.GetProperty("settings").GetProperty("prompt").GetString());
        Assert.False(root.GetProperty("settings").GetProperty("captioned").GetBoolean());
        Assert.True(root.GetProperty("timings_seconds").GetProperty("sampling").GetDouble() > 0);
        int width = root.GetProperty("width").GetInt32(), height = root.GetProperty("height").GetInt32();
        // Each file holds what its layer covers; the manifest says where it goes on the canvas.
        var layers = root.GetProperty("layers").EnumerateArray().Select(l =>
        {
            var pixels = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(output, l.GetProperty("file").GetString()!)), long.MaxValue, long.MaxValue);
            Assert.Equal((l.GetProperty("width").GetInt32(), l.GetProperty("height").GetInt32()), (pixels.Width, pixels.Height));
            return new DocumentLayer("", OnCanvas(pixels, l.GetProperty("x").GetInt32(), l.GetProperty("y").GetInt32(), width, height));
        }).ToList();
        var composite = ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(output, "composite.png")), long.MaxValue, long.MaxValue);
        Assert.Equal(LayerCompositor.Over([.. layers.Select(l => l.Rgba8)], width, height), composite.Pixels);
        Assert.Equal(("layers.psd", "layers.ora"), (root.GetProperty("psd").GetString(), root.GetProperty("ora").GetString()));
        var psd = LayeredPsd.Read(Path.Combine(output, "layers.psd"), PsdReadLimits.Default);
        Assert.Equal(names, psd.Layers.Select(l => l.Name));
        using var ora = ZipFile.OpenRead(Path.Combine(output, "layers.ora"));
        var stack = XDocument.Load(ora.GetEntry("stack.xml")!.Open()).Root!.Element("stack")!.Elements("layer");
        Assert.Equal(Enumerable.Reverse(names), stack.Select(l => l.Attribute("name")!.Value));
    }

    [Fact]
    public async Task Decompose_LayersAuto_ReportsTheChosenCountAndWritesTheLayersKept()
    {
        string output = Path.Combine(_work, "auto");

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--out", output, "--layers", "auto", "--steps", "1",
            "--prompt", "a poster", "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        int chosen = int.Parse(System.Text.RegularExpressions.Regex.Match(run.Output, @"Layers: (\d+)").Groups[1].Value);
        Assert.InRange(chosen, 1, 10);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "layers.json")));
        var settings = manifest.RootElement.GetProperty("settings");
        Assert.True(settings.GetProperty("automatic_layers").GetBoolean());
        Assert.InRange(settings.GetProperty("layers").GetInt32(), 1, chosen);
        Assert.Equal(settings.GetProperty("layers").GetInt32(), manifest.RootElement.GetProperty("layers").GetArrayLength());
    }

    [Fact]
    public async Task Decompose_WithoutPrompt_CaptionsFirstAndReportsTheCaptionAndItsTime()
    {
        string output = Path.Combine(_work, "captioned");

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--out", output, "--layers", "1", "--steps", "1", "--device", "cpu");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.True(run.Output.Contains("Caption: "), run.Output);
        Assert.Matches(@"Timings: captioning \d+\.\d\d s, text_encoding", run.Output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "layers.json")));
        var root = manifest.RootElement;
        Assert.True(root.GetProperty("settings").GetProperty("captioned").GetBoolean());
        Assert.True(root.GetProperty("timings_seconds").TryGetProperty("captioning", out _));
    }

    [Fact]
    public async Task Decompose_ModelComputingNaN_FailsInOneLineWithoutWritingLayers()
    {
        string output = Path.Combine(_work, "out");

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", damaged.Path, "--out", output, "--layers", "2", "--steps", "2", "--prompt", "a poster", "--device", "cpu");

        BuiltExecutables.AssertOneLineFailure(run, "decompose: Sampling produced NaN or infinite values (Float32 on cpu)", "Try --dtype fp32");
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Decompose_MissingFile_SaysItDoesNotExist()
    {
        var run = await InProcessCli.RunAsync("decompose", Path.Combine(_work, "nope.png"), "--model", ModelFolder, "--prompt", "x");

        BuiltExecutables.AssertOneLineFailure(run, "does not exist");
    }

    [Fact]
    public async Task Decompose_FolderAsImage_SaysItIsAFolder()
    {
        var run = await InProcessCli.RunAsync("decompose", _work, "--model", ModelFolder, "--prompt", "x");

        BuiltExecutables.AssertOneLineFailure(run, _work, "is a folder");
    }

    [Theory]
    [InlineData("--layers abc", "'abc'")]
    [InlineData("--steps 1.5", "'1.5'")]
    public async Task Decompose_NumberThatDoesNotParse_IsAParseErrorNotACrash(string option, string value)
    {
        var run = await InProcessCli.RunAsync(["decompose", InputImage(), "--model", ModelFolder, "--prompt", "x", .. option.Split(' ')]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"Cannot parse argument {value}", run.Error);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
    }

    [Fact]
    public async Task Decompose_UnsupportedFormat_SaysWhichFormatsWork()
    {
        string text = Path.Combine(_work, "notes.png");
        File.WriteAllText(text, "not an image");

        var run = await InProcessCli.RunAsync("decompose", text, "--model", ModelFolder, "--prompt", "x");

        BuiltExecutables.AssertOneLineFailure(run, "PNG, JPEG or WebP");
    }

    [Fact]
    public async Task Decompose_WithAStepCache_SaysAndRecordsHowManyStepsItSkipped()
    {
        string output = Path.Combine(_work, "cached");

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--out", output, "--layers", "1", "--steps", "3", "--prompt", "a poster",
            "--device", "cpu", "--step-cache", "1000000");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Step cache: 1 of 3 sampling steps skipped the transformer blocks after the first.", run.Output);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "layers.json")));
        var settings = manifest.RootElement.GetProperty("settings");
        Assert.Equal((1000000f, 1), (settings.GetProperty("step_cache_threshold").GetSingle(), settings.GetProperty("cached_steps").GetInt32()));
    }

    [Fact]
    public async Task Decompose_NegativeStepCache_IsRefusedBeforeLoading()
    {
        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--prompt", "x", "--step-cache", "-0.1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--step-cache must be 0 (off) or a relative change such as 0.1.", run.Error);
    }

    [Fact]
    public async Task Decompose_LayersOutOfRange_IsRefusedBeforeLoading()
    {
        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", ModelFolder, "--prompt", "x", "--layers", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--layers must be 1 to 10", run.Error);
    }

    [Fact]
    public async Task Decompose_ModelFolderWithoutIndex_NamesTheMissingFile()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_work, "empty-model")).FullName;

        var run = await InProcessCli.RunAsync("decompose", InputImage(), "--model", empty, "--prompt", "x");

        BuiltExecutables.AssertOneLineFailure(run, "model_index.json");
    }

    private static byte[] OnCanvas(RgbaImage pixels, int x, int y, int canvasWidth, int canvasHeight)
    {
        var canvas = new byte[canvasWidth * canvasHeight * 4];
        for (int row = 0; row < pixels.Height; row++)
            Array.Copy(pixels.Pixels, row * pixels.Width * 4, canvas, ((y + row) * canvasWidth + x) * 4, pixels.Width * 4);
        return canvas;
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
