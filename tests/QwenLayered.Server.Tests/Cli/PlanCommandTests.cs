namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered plan</c> as a user would, in the test's process (which measures activation peaks: alone).</summary>
[Collection(nameof(Hosting.MemoryPlanCheckTests))]
public class PlanCommandTests
{
    [Fact]
    public async Task Plan_PublishedConfigAt24GiB_PrintsEveryModeAndOnlyStreamedFits()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("plan", "--config", "full", "--resolution", "640", "--layers", "4", "--device-memory", "24GiB");

        Assert.Equal(0, exitCode);
        Assert.Contains("Memory plan: 640x640, 4 layers", output);
        Assert.Contains("Device memory: 24.00 GiB", output);
        Assert.Matches(@"\| resident \| 38\.05 GiB \|.*\| no \|", output);
        Assert.Matches(@"\| quantized \| 19\.\d\d GiB \|.*\| no \|", output);
        Assert.Matches(@"\| streamed \| 1\.\d\d GiB \|.*\| yes \|", output);
    }

    [Fact]
    public async Task Plan_ChosenModeThatDoesNotFit_NamesOneThatDoesAndFails()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("plan", "--config", "full", "--device-memory", "48GiB", "--memory", "text-offload");

        Assert.Equal(1, exitCode);
        Assert.EndsWith("text-offload does not fit; quantized does.", output.TrimEnd());
    }

    [Fact]
    public async Task Plan_NeitherModelNorConfig_SaysWhatToGive()
    {
        var (exitCode, _, error) = await InProcessCli.RunAsync("plan");

        Assert.Equal(2, exitCode);
        Assert.Contains("give either --model <folder> or --config tiny|small|demo|full.", error);
    }
}
