using System.Text.RegularExpressions;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered bench refine</c> as a user would, on one small generated scene with the demo model.</summary>
public class BenchRefineCommandTests
{
    [Fact]
    public async Task BenchRefine_OneSmallScene_PrintsBothMethodsAndTheRefinedLayersRestackTheScene()
    {
        var (exitCode, output, _) = await InProcessCli.RunAsync("bench", "refine", "--sizes", "96x64", "--scenes", "1");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"\| 96x64 \| working size \+ Lanczos3 \| 1 \| [\d.]+ \| [\d.]+ \| [\d.]+ dB / [\d.]+ dB \| \d+/255 \|", output);
        // Refined: the layers stacked again give the scene back to within one level.
        Assert.Matches(@"\| 96x64 \| refined \| 1 \| [\d.]+ \| [\d.]+ \| (∞|[\d.]+ dB) / (∞|[\d.]+ dB) \| [01]/255 \|", output);
    }

    [Fact]
    public async Task BenchRefine_SizeThatIsNotWidthByHeight_SaysHowToWriteIt()
    {
        var (exitCode, _, error) = await InProcessCli.RunAsync("bench", "refine", "--sizes", "96by64");

        Assert.Equal(2, exitCode);
        Assert.Contains("--sizes has \"96by64\"; give sizes as WxH, e.g. 1024x1024,3000x2000.", error);
    }
}
