using QwenLayered.LayerFiles;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered import-psd</c> as a user would (in the test's process), on a folder of PSD files.</summary>
public class ImportPsdCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-import-psd-").FullName;

    [Fact]
    public async Task ImportPsd_FolderWithAGoodAndABadFile_ImportsOneSkipsOneAndSaysWhy()
    {
        string input = Directory.CreateDirectory(Path.Combine(_work, "psds")).FullName, output = Path.Combine(_work, "scenes");
        var paper = Enumerable.Repeat((byte)255, 40 * 20 * 4).ToArray();
        var ink = new byte[40 * 20 * 4];
        ink[(5 * 40 + 7) * 4 + 3] = 255;
        LayeredPsd.Write(Path.Combine(input, "poster.psd"),
            new LayeredDocument(40, 20, [new DocumentLayer("Paper", paper), new DocumentLayer("Ink", ink)]));
        File.WriteAllText(Path.Combine(input, "broken.psd"), "not a psd");

        var run = await InProcessCli.RunAsync("import-psd", input, "--out", output, "--size", "32");

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("Imported 1, skipped 1.", run.Output);
        Assert.Contains("broken.psd is not a PSD file", run.Error);
        var scene = SceneFolder.Read(Path.Combine(output, "poster"));
        Assert.Equal((32, 32), (scene.Width, scene.Height));
        Assert.Equal(["Paper", "Ink"], scene.Layers.Select(l => l.Name));
    }

    [Fact]
    public async Task ImportPsd_SizeNotAMultipleOf16_IsRefused()
    {
        var run = await InProcessCli.RunAsync("import-psd", _work, "--out", Path.Combine(_work, "scenes"), "--size", "20");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--size must be a positive multiple of 16", run.Error);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
