using System.CommandLine;
using QwenLayered.Engine.Parity;
using QwenLayered.Engine.Training.Data;
using QwenLayered.Server.Cli;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered train</c> in process on a CPU, from a tiny random model or a model folder.</summary>
public class TrainCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-train-").FullName;

    private static int Run(params string[] arguments) => new RootCommand { TrainCommand.Create() }.Parse(["train", .. arguments]).Invoke();

    private static string TokenizerFolder() => FixtureSet.TokenizerFolder(FixtureLocator.Default(AppContext.BaseDirectory));

    [Fact]
    public void Train_BothStagesOnSceneFolders_WritesLoadableCheckpoints()
    {
        string data = Path.Combine(_work, "data"), vae = Path.Combine(_work, "vae"), transformer = Path.Combine(_work, "transformer");
        foreach (var (scene, index) in SceneGenerator.Generate(seed: 1, count: 3, 32, 32).Select((s, i) => (s, i)))
            SceneFolder.Write(Path.Combine(data, $"scene-{index}"), scene);

        int vaeExit = Run("--stage", "vae", "--out", vae, "--tokenizer", TokenizerFolder(), "--data", data, "--steps", "2", "--batch", "2", "--device", "cpu");
        int transformerExit = Run("--stage", "transformer", "--out", transformer, "--init", Path.Combine(vae, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--batch", "2", "--device", "cpu");

        Assert.Equal((0, 0), (vaeExit, transformerExit));
        Assert.True(File.Exists(Path.Combine(transformer, "checkpoint-000002", "transformer", "diffusion_pytorch_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(transformer, "checkpoint-000002", "model_index.json")));
    }

    [Fact]
    public void Train_NeitherInitNorTokenizer_FailsWithoutTraining()
    {
        Assert.Equal(1, Run("--stage", "vae", "--out", _work, "--samples", "1", "--size", "32", "--steps", "1", "--device", "cpu"));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
