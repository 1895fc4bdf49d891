namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered plan</c> as a user would, in the test's process (which measures activation peaks: alone).</summary>
[Collection(nameof(Hosting.MemoryPlanCheckTests))]
public class PlanCommandTests
{
    [Fact]
    public async Task Plan_PublishedConfigAt24GiB_PrintsEveryModeAndTheQuantizedAndStreamedOnesFit()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("plan", "--config", "full", "--resolution", "640", "--layers", "4", "--device-memory", "24GiB");

        Assert.Equal(0, exitCode);
        Assert.Contains("Memory plan: 640x640, 4 layers", output);
        Assert.Contains("Device memory: 24.00 GiB", output);
        Assert.Matches(@"\| resident \| 38\.05 GiB \|.*\| no \|", output);
        Assert.Matches(@"\| text-offload \| 38\.05 GiB \|.*\| no \|", output);
        Assert.Matches(@"\| quantized \| 19\.\d\d GiB \|.*\| yes \|", output);
        Assert.Matches(@"\| streamed \| 1\.\d\d GiB \|.*\| yes \|", output);
    }

    [Fact]
    public async Task Plan_ChosenModeThatDoesNotFit_NamesOneThatDoesAndFails()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("plan", "--config", "full", "--device-memory", "48GiB", "--memory", "resident");

        Assert.Equal(1, exitCode);
        Assert.EndsWith("resident does not fit; text-offload does.", output.TrimEnd());
    }

    [Fact]
    public async Task Plan_Check_PrintsThePlannedSizeAndHeldOutShapesMeasuredBesideThePlan()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("plan", "--config", "tiny", "--resolution", "64", "--layers", "2", "--dtype", "fp32", "--check");

        Assert.Equal(0, exitCode);
        var rows = output.Split('\n').SkipWhile(line => !line.StartsWith("Activations planned and measured", StringComparison.Ordinal))
            .Where(line => System.Text.RegularExpressions.Regex.IsMatch(line, @"^\| \d+ \| \d+ \| [\d.]+ MiB \| [\d.]+ MiB \| [+-]?\d+\.\d% \|$")).ToList();
        // The tiny model's own shape (32 wide; 4 frames of 4x4 patches and 256 text tokens), then three held-out shapes.
        Assert.Equal(4, rows.Count);
        Assert.StartsWith("| 32 | 320 |", rows[0]);
    }

    [Fact]
    public async Task Plan_NeitherModelNorConfig_SaysWhatToGive()
    {
        var (exitCode, _, error) = await InProcessCli.RunAsync("plan");

        Assert.Equal(2, exitCode);
        Assert.Contains("give either --model <folder> or --config tiny|small|demo|full.", error);
    }
}
