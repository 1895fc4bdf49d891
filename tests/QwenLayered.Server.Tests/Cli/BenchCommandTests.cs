using System.CommandLine;
using System.Text.Json;
using QwenLayered.Cli;
using QwenLayered.CommandLine;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered bench</c> in process on a model folder, as `bench --model` is used on a CPU.</summary>
public class BenchCommandTests(FixtureModelFolder model) : IClassFixture<FixtureModelFolder>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwenlayered-bench-").FullName;

    private static Task<int> RunAsync(params string[] arguments) =>
        CommandLineEdge.InvokeAsync(new RootCommand { BenchCommand.Create() }, ["bench", .. arguments], UserErrors.Describe);

    [Fact]
    public async Task Bench_ModelFolder_WritesTheJsonReport()
    {
        string json = Path.Combine(_work, "bench.json");

        int exitCode = await RunAsync("--model", model.Folder, "--device", "cpu", "--resolution", "64", "--layers", "1", "--steps", "2",
            "--other-cfg-steps", "1", "--warmup", "off", "--json", json);

        Assert.Equal(0, exitCode);
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("qwenlayered-bench/1", report.RootElement.GetProperty("schema").GetString());
        Assert.Equal(Path.GetFileName(model.Folder), report.RootElement.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, report.RootElement.GetProperty("parameters").ValueKind);
        Assert.True(report.RootElement.GetProperty("step_seconds_guided").GetDouble() > 0);
    }

    [Fact]
    public async Task Bench_NeitherModelNorRandomWeights_FailsWithoutRunning()
    {
        Assert.Equal(2, await RunAsync("--device", "cpu"));
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
