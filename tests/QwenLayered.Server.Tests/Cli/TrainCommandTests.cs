using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Parity;
using QwenLayered.Engine.Training.Data;
using QwenLayered.Server.Cli;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered scenes</c>, <c>train</c> and <c>export</c> in process on a CPU, as the demo model is made.</summary>
public class TrainCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-train-").FullName;

    private static Task<int> RunAsync(params string[] arguments) => VerbAsync("train", arguments);

    private static Task<int> VerbAsync(string verb, params string[] arguments) =>
        CommandLineEdge.InvokeAsync(new RootCommand { TrainCommand.Create(), ScenesCommand.Create(), ExportCommand.Create() },
            [verb, .. arguments], UserErrors.Describe);

    private static string TokenizerFolder() => FixtureSet.TokenizerFolder(FixtureLocator.Default(AppContext.BaseDirectory));

    [Fact]
    public async Task ScenesTrainExport_BothStagesOnWrittenScenes_ExportALoadableModel()
    {
        string data = Path.Combine(_work, "data"), vae = Path.Combine(_work, "vae"), transformer = Path.Combine(_work, "transformer"),
            exported = Path.Combine(_work, "exported");

        int scenesExit = await VerbAsync("scenes", "--out", data, "--count", "3", "--size", "32", "--seed", "1");
        int vaeExit = await RunAsync("--stage", "vae", "--out", vae, "--tokenizer", TokenizerFolder(), "--config", "tiny", "--data", data,
            "--steps", "2", "--batch", "2", "--device", "cpu");
        int transformerExit = await RunAsync("--stage", "transformer", "--out", transformer, "--init", Path.Combine(vae, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--decay-steps", "1", "--sigma-shift", "3", "--min-sigma", "0.5", "--batch", "2", "--device", "cpu");
        int exportExit = await VerbAsync("export", "--model", Path.Combine(transformer, "checkpoint-000002"), "--out", exported);

        Assert.Equal((0, 0, 0, 0), (scenesExit, vaeExit, transformerExit, exportExit));
        Assert.Equal(3, SceneFolder.ReadAll(data).Count);
        Assert.False(File.Exists(Path.Combine(exported, "trainer_state.json")));
        using var model = QwenLayered.Engine.Pipeline.LayeredModel.Load(exported, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU);
        Assert.Equal("exported", model.Name);
    }

    [Fact]
    public async Task Export_FolderWithoutModelIndex_FailsAndSaysSo()
    {
        Assert.Equal(2, await VerbAsync("export", "--model", _work, "--out", Path.Combine(_work, "out")));
        Assert.False(Directory.Exists(Path.Combine(_work, "out")));
    }

    [Fact]
    public async Task Train_NeitherInitNorTokenizer_FailsWithoutTraining()
    {
        Assert.Equal(2, await RunAsync("--stage", "vae", "--out", _work, "--samples", "1", "--size", "32", "--steps", "1", "--device", "cpu"));
    }

    [Fact]
    public async Task Train_NegativeDecaySteps_FailsWithoutTraining()
    {
        Assert.Equal(2, await RunAsync("--stage", "vae", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", "--decay-steps", "-1", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Theory]
    [InlineData("--sigma-shift", "0")]
    [InlineData("--sigma-shift", "-2")]
    [InlineData("--min-sigma", "1")]
    [InlineData("--min-sigma", "-0.1")]
    public async Task Train_NoiseLevelsOutOfRange_FailsWithoutTraining(string option, string value)
    {
        Assert.Equal(2, await RunAsync("--stage", "transformer", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", option, value, "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public async Task Train_NoiseLevelsOnTheVaeStage_FailsWithoutTraining()
    {
        Assert.Equal(2, await RunAsync("--stage", "vae", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", "--min-sigma", "0.5", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
