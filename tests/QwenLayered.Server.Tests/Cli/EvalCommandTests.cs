using System.CommandLine;
using System.Text.Json;
using QwenLayered.Cli;
using QwenLayered.CommandLine;
using QwenLayered.Server.Tests.Serving;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered eval</c> in process on a CPU with the tiny random model.</summary>
public class EvalCommandTests(TinyModelFolder model) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-eval-").FullName;

    private static Task<int> RunAsync(params string[] arguments) =>
        CommandLineEdge.InvokeAsync(new RootCommand { EvalCommand.Create() }, ["eval", .. arguments], UserErrors.Describe);

    [Fact]
    public async Task Eval_TinyModelOnTwoSmallScenes_WritesMarkdownAndJsonReports()
    {
        string output = Path.Combine(_work, "report");

        int exit = await RunAsync("--model", model.Path, "--scenes", "2", "--size", "32", "--steps", "2", "--device", "cpu", "--out", output);

        Assert.Equal(0, exit);
        Assert.Contains("| single layer | 2 |", File.ReadAllText(Path.Combine(output, EvaluationReportFormat.MarkdownFile)));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, EvaluationReportFormat.JsonFile)));
        var summaries = json.RootElement.GetProperty("summaries").EnumerateArray().ToList();
        Assert.Equal(["single layer", "k-means colour", "model " + Path.GetFileName(model.Path), "true layers through the VAE"],
            summaries.Select(s => s.GetProperty("decomposer").GetString()));
        Assert.All(summaries, s => Assert.Equal(2, s.GetProperty("scenes").GetInt32()));
        Assert.Equal(8, json.RootElement.GetProperty("scenes").GetArrayLength());
    }

    [Fact]
    public async Task Eval_WithAStepCache_NamesItInTheSetupAndSaysHowManyStepsItSkipped()
    {
        string output = Path.Combine(_work, "cached");

        var run = await InProcessCli.RunAsync("eval", "--model", model.Path, "--scenes", "2", "--size", "32", "--steps", "3", "--step-cache", "1000000",
            "--device", "cpu", "--out", output);

        Assert.True(run.ExitCode == 0, run.Error + run.Output);
        Assert.Contains("step cache 1000000", File.ReadAllText(Path.Combine(output, EvaluationReportFormat.MarkdownFile)));
        Assert.Contains("Step cache: 2 of 6 sampling steps skipped the transformer blocks after the first.", run.Output);
    }

    [Fact]
    public async Task Eval_LayerCount_WritesTheCountTableWithoutSampling()
    {
        string output = Path.Combine(_work, "count");

        int exit = await RunAsync("--model", model.Path, "--scenes", "2", "--size", "32", "--layer-count", "--device", "cpu", "--out", output);

        Assert.Equal(0, exit);
        string table = File.ReadAllText(Path.Combine(output, "layer-count.md"));
        Assert.Contains("| always 4 (the default) | 2 |", table);
        Assert.Contains("| automatic (captioner, else colour regions) | 2 |", table);
    }

    [Fact]
    public async Task Eval_SizeNotAMultipleOf16_FailsBeforeLoadingTheModel()
    {
        Assert.Equal(2, await RunAsync("--model", model.Path, "--size", "40", "--device", "cpu", "--out", _work));
    }

    [Fact]
    public async Task Eval_DataFolderWithoutScenes_Fails()
    {
        Assert.Equal(2, await RunAsync("--model", model.Path, "--data", _work, "--device", "cpu", "--out", _work));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
