using System.CommandLine;
using QwenLayered.Cli;
using QwenLayered.CommandLine;
using QwenLayered.Tests;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered scenes</c>, <c>train</c> and <c>export</c> in process on a CPU, as the demo model is made.</summary>
public class TrainCommandTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-train-").FullName;

    /// <summary>A verb's exit code and everything it printed, so a failed assertion shows why the command failed.</summary>
    private sealed record Outcome(int ExitCode, string Output)
    {
        public override string ToString() => $"exit code {ExitCode}, output:\n{Output}";
    }

    private static Task<Outcome> RunAsync(params string[] arguments) => VerbAsync("train", arguments);

    // Through the same edge as the executable, so failures are reported (and exit) as a user sees them.
    private static async Task<Outcome> VerbAsync(string verb, params string[] arguments)
    {
        var output = new StringWriter();
        int exitCode = await CommandLineEdge.InvokeAsync(new RootCommand { TrainCommand.Create(), ScenesCommand.Create(), ExportCommand.Create() },
            [verb, .. arguments], UserErrors.Describe, _ => new InvocationConfiguration { Output = output, Error = output });
        return new Outcome(exitCode, output.ToString());
    }

    private static void AssertExit(int expected, Outcome outcome) => Assert.True(outcome.ExitCode == expected, $"Expected exit code {expected}; {outcome}");

    [Fact]
    public async Task ScenesTrainExport_EveryStageOnWrittenScenes_ExportALoadableModel()
    {
        string data = Path.Combine(_work, "data"), vae = Path.Combine(_work, "vae"), transformer = Path.Combine(_work, "transformer"),
            decoder = Path.Combine(_work, "decoder"), exported = Path.Combine(_work, "exported");

        AssertExit(0, await VerbAsync("scenes", "--out", data, "--count", "3", "--size", "32", "--seed", "1"));
        AssertExit(0, await RunAsync("--stage", "vae", "--out", vae, "--tokenizer", Repository.Tokenizer, "--config", "tiny", "--data", data,
            "--steps", "2", "--batch", "2", "--device", "cpu"));
        AssertExit(0, await RunAsync("--stage", "transformer", "--out", transformer, "--init", Path.Combine(vae, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--decay-steps", "1", "--sigma-shift", "3", "--min-sigma", "0.5", "--batch", "2", "--device", "cpu"));
        AssertExit(0, await RunAsync("--stage", "decoder", "--out", decoder, "--init", Path.Combine(transformer, "checkpoint-000002"),
            "--data", data, "--steps", "2", "--batch", "2", "--device", "cpu"));
        AssertExit(0, await VerbAsync("export", "--model", Path.Combine(decoder, "checkpoint-000002"), "--out", exported));

        Assert.Equal(3, SceneFolder.ReadAll(data).Count);
        Assert.False(File.Exists(Path.Combine(exported, "trainer_state.json")));
        using var model = QwenLayered.Engine.Pipeline.LayeredModel.Load(exported, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU);
        Assert.Equal("exported", model.Name);
    }

    [Fact]
    public async Task Train_LearningRateThatDiverges_StopsInOneMessageNamingStageStepAndRemedyWithoutACheckpoint()
    {
        var outcome = await RunAsync("--stage", "vae", "--out", _work, "--tokenizer", Repository.Tokenizer, "--samples", "2", "--size", "32",
            "--steps", "3", "--batch", "2", "--lr", "1e30", "--checkpoint-every", "1", "--device", "cpu");

        AssertExit(2, outcome);
        string message = outcome.Output.TrimEnd().Split('\n')[^1];
        Assert.True(message.Contains(" train: The vae stage diverged at step 1 (learning rate 1.0e+30)", StringComparison.Ordinal), outcome.ToString());
        Assert.True(message.Contains("No checkpoint had been written yet.") && message.Contains("Try a lower --lr than 1.0e+30"), outcome.ToString());
        Assert.DoesNotContain("   at ", outcome.Output);
        Assert.Equal(["init"], Directory.GetDirectories(_work).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Export_FolderWithoutModelIndex_FailsAndSaysSo()
    {
        var outcome = await VerbAsync("export", "--model", _work, "--out", Path.Combine(_work, "out"));

        AssertExit(2, outcome);
        Assert.Contains("has no model_index.json", outcome.Output);
        Assert.False(Directory.Exists(Path.Combine(_work, "out")));
    }

    [Fact]
    public async Task Train_NeitherInitNorTokenizer_FailsWithoutTraining()
    {
        var outcome = await RunAsync("--stage", "vae", "--out", _work, "--samples", "1", "--size", "32", "--steps", "1", "--device", "cpu");

        AssertExit(2, outcome);
        Assert.Contains("Give --init", outcome.Output);
    }

    [Fact]
    public async Task Train_NegativeDecaySteps_FailsWithoutTraining()
    {
        AssertExit(2, await RunAsync("--stage", "vae", "--out", _work, "--tokenizer", Repository.Tokenizer, "--samples", "1", "--size", "32",
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
        AssertExit(2, await RunAsync("--stage", "transformer", "--out", _work, "--tokenizer", Repository.Tokenizer, "--samples", "1", "--size", "32",
            "--steps", "1", option, value, "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Theory]
    [InlineData("vae")]
    [InlineData("decoder")]
    public async Task Train_NoiseLevelsOnAStageWithoutNoise_FailsWithoutTraining(string stage)
    {
        AssertExit(2, await RunAsync("--stage", stage, "--out", _work, "--tokenizer", Repository.Tokenizer, "--samples", "1", "--size", "32",
            "--steps", "1", "--min-sigma", "0.5", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public async Task Train_EdgeWeightOnTheTransformerStage_FailsWithoutTraining()
    {
        AssertExit(2, await RunAsync("--stage", "transformer", "--out", _work, "--tokenizer", Repository.Tokenizer, "--samples", "1", "--size", "32",
            "--steps", "1", "--edge-weight", "8", "--device", "cpu"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_work));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
