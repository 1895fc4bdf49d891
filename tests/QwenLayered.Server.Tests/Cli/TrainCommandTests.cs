using System.CommandLine;
using QwenLayered.Engine.Parity;
using QwenLayered.Engine.Training.Data;
using QwenLayered.Server.Cli;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered scenes</c>, <c>train</c> and <c>export</c> in process on a CPU, as the demo model is made.</summary>
public class TrainCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-train-").FullName;

    private static int Run(params string[] arguments) => Verb("train", arguments);

    private static int Verb(string verb, params string[] arguments) =>
        new RootCommand { TrainCommand.Create(), ScenesCommand.Create(), ExportCommand.Create() }.Parse([verb, .. arguments]).Invoke();

    private static string TokenizerFolder() => FixtureSet.TokenizerFolder(FixtureLocator.Default(AppContext.BaseDirectory));

    [Fact]
    public void ScenesTrainExport_EveryStageOnWrittenScenes_ExportALoadableModel()
    {
        string data = Path.Combine(_work, "data"), vae = Path.Combine(_work, "vae"), transformer = Path.Combine(_work, "transformer"),
            decoder = Path.Combine(_work, "decoder"), exported = Path.Combine(_work, "exported");

        int scenesExit = Verb("scenes", "--out", data, "--count", "3", "--size", "32", "--seed", "1");
        int vaeExit = Run("--stage", "vae", "--out", vae, "--tokenizer", TokenizerFolder(), "--config", "tiny", "--data", data,
            "--steps", "2", "--batch", "2", "--device", "cpu");
        int transformerExit = Run("--stage", "transformer", "--out", transformer, "--init", Path.Combine(vae, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--decay-steps", "1", "--sigma-shift", "3", "--min-sigma", "0.5", "--batch", "2", "--device", "cpu");
        int decoderExit = Run("--stage", "decoder", "--out", decoder, "--init", Path.Combine(transformer, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--batch", "2", "--device", "cpu");
        int exportExit = Verb("export", "--model", Path.Combine(decoder, "checkpoint-000002"), "--out", exported);

        Assert.Equal((0, 0, 0, 0, 0), (scenesExit, vaeExit, transformerExit, decoderExit, exportExit));
        Assert.Equal(3, SceneFolder.ReadAll(data).Count);
        Assert.False(File.Exists(Path.Combine(exported, "trainer_state.json")));
        using var model = QwenLayered.Engine.Pipeline.LayeredModel.Load(exported, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU);
        Assert.Equal("exported", model.Name);
    }

    [Fact]
    public void Export_FolderWithoutModelIndex_FailsAndSaysSo()
    {
        Assert.Equal(1, Verb("export", "--model", _work, "--out", Path.Combine(_work, "out")));
        Assert.False(Directory.Exists(Path.Combine(_work, "out")));
    }

    [Fact]
    public void Train_NeitherInitNorTokenizer_FailsWithoutTraining()
    {
        Assert.Equal(1, Run("--stage", "vae", "--out", _work, "--samples", "1", "--size", "32", "--steps", "1", "--device", "cpu"));
    }

    [Fact]
    public void Train_NegativeDecaySteps_FailsWithoutTraining()
    {
        Assert.NotEqual(0, Run("--stage", "vae", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", "--decay-steps", "-1", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Theory]
    [InlineData("--sigma-shift", "0")]
    [InlineData("--sigma-shift", "-2")]
    [InlineData("--min-sigma", "1")]
    [InlineData("--min-sigma", "-0.1")]
    public void Train_NoiseLevelsOutOfRange_FailsWithoutTraining(string option, string value)
    {
        Assert.NotEqual(0, Run("--stage", "transformer", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", option, value, "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Theory]
    [InlineData("vae")]
    [InlineData("decoder")]
    public void Train_NoiseLevelsOnAStageWithoutNoise_FailsWithoutTraining(string stage)
    {
        Assert.NotEqual(0, Run("--stage", stage, "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", "--min-sigma", "0.5", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public void Train_EdgeWeightOnTheTransformerStage_FailsWithoutTraining()
    {
        Assert.NotEqual(0, Run("--stage", "transformer", "--out", _work, "--tokenizer", TokenizerFolder(), "--samples", "1", "--size", "32",
            "--steps", "1", "--edge-weight", "8", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
