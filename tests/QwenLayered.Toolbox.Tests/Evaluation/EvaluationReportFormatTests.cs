using System.Text.Json;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class EvaluationReportFormatTests
{
    private static EvaluationReport Report() => new("2 generated scenes",
        [
            new DecomposerSummary("single layer", 2, 0.5, 0.0, 0.0, null, 2, 0.001),
            new DecomposerSummary("k-means colour", 2, 0.625, 0.4, 0.7, 31.25, 1, 0.02),
        ],
        [
            new SceneScore(0, "single layer", 1, [1, 0], 0.5, 0, 0, double.PositiveInfinity, 0.001),
            new SceneScore(0, "k-means colour", 2, [0.75, 0.5], 0.625, 0.5, 0.7, 31.25, 0.02),
        ]);

    [Fact]
    public void ToText_AllScenesLossless_PrintsInfinityAndTheLosslessCount()
    {
        var lines = EvaluationReportFormat.ToText(Report()).Split(Environment.NewLine);

        Assert.Equal("2 generated scenes", lines[0]);
        Assert.Matches(@"^single layer\s+2\s+0\.500\s+0\.000\s+0\.000\s+∞\s+2/2\s+0\.001$", lines[2]);
        Assert.Matches(@"^k-means colour\s+2\s+0\.625\s+0\.400\s+0\.700\s+31\.25 dB\s+1/2\s+0\.020$", lines[3]);
    }

    [Fact]
    public void ToMarkdown_Summaries_AreTableRows()
    {
        var markdown = EvaluationReportFormat.ToMarkdown(Report());

        Assert.Contains("| single layer | 2 | 0.500 | 0.000 | 0.000 | ∞ | 2/2 | 0.001 |", markdown);
        Assert.Contains("| k-means colour | 2 | 0.625 | 0.400 | 0.700 | 31.25 dB | 1/2 | 0.020 |", markdown);
    }

    [Fact]
    public void ToJson_LosslessScene_WritesInfinityAsAStringAndTheMissingMeanAsNull()
    {
        using var json = JsonDocument.Parse(EvaluationReportFormat.ToJson(Report()));

        Assert.Equal("Infinity", json.RootElement.GetProperty("scenes")[0].GetProperty("recompositePsnr").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("summaries")[0].GetProperty("meanPsnr").ValueKind);
        Assert.Equal(31.25, json.RootElement.GetProperty("summaries")[1].GetProperty("meanPsnr").GetDouble());
    }

    [Fact]
    public void Write_Folder_WritesTheMarkdownAndJsonReports()
    {
        using var folder = new TempFolder();

        EvaluationReportFormat.Write(Report(), folder.Path);

        Assert.True(File.Exists(folder.File(EvaluationReportFormat.MarkdownFile)));
        Assert.True(File.Exists(folder.File(EvaluationReportFormat.JsonFile)));
    }
}
