using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// An evaluation report as a console table, as Markdown (for docs/benchmarks.md) and as JSON. A recomposite that is
/// exact has no PSNR to average: tables print "∞" when every scene was exact and count the exact scenes beside the
/// mean of the others; JSON writes a scene's +∞ as the string "Infinity" and a summary's missing mean as null.
/// </summary>
public static class EvaluationReportFormat
{
    public const string MarkdownFile = "eval-report.md";
    public const string JsonFile = "eval-report.json";

    private static readonly string[] Columns = ["decomposer", "scenes", "mean IoU", "foreground IoU", "merged foreground IoU", "recomposite PSNR", "lossless", "s/scene"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // camelCase keeps "IoU" whole (meanIoU); snake_case would split it into "io_u".
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A file for people and tools, never embedded in HTML: keep "–" and quotes readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes <see cref="MarkdownFile"/> and <see cref="JsonFile"/> into <paramref name="folder"/>.</summary>
    public static void Write(EvaluationReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, MarkdownFile), ToMarkdown(report));
        File.WriteAllText(Path.Combine(folder, JsonFile), ToJson(report));
    }

    public static string ToText(EvaluationReport report)
    {
        var rows = Rows(report);
        var widths = Columns.Select((title, c) => rows.Select(row => row[c].Length).Append(title.Length).Max()).ToArray();
        var text = new StringBuilder().AppendLine(report.Setup);
        foreach (var row in rows.Prepend(Columns))
            // The name column reads left-aligned, the numbers right-aligned.
            text.AppendLine(string.Join("  ", row.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
        return text.ToString();
    }

    public static string ToMarkdown(EvaluationReport report)
    {
        var markdown = new StringBuilder()
            .AppendLine("## Decomposition quality on held-out synthetic scenes").AppendLine()
            .AppendLine(report.Setup).AppendLine()
            .AppendLine("| " + string.Join(" | ", Columns) + " |")
            .AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", Columns.Length - 1)));
        foreach (var row in Rows(report))
            markdown.AppendLine("| " + string.Join(" | ", row) + " |");
        return markdown.AppendLine()
            .AppendLine("IoU: alpha masks (alpha ≥ 128) of each ground-truth layer and the predicted layer matched to it for the largest total IoU; " +
                        "unmatched ground-truth layers score 0. Foreground IoU leaves out the opaque bottom layer. Merged foreground IoU " +
                        "merges the layers above the bottom one into one mask, and the predicted layers but the one matched to the bottom " +
                        "layer into another: whether what lies in front was found, whichever layers it went into. Recomposite PSNR: RGB of the " +
                        "predicted layers stacked again against the input image, averaged over the scenes that were not reproduced exactly; " +
                        "\"lossless\" counts those that were.")
            .ToString();
    }

    public static string ToJson(EvaluationReport report) => JsonSerializer.Serialize(report, Json);

    private static List<string[]> Rows(EvaluationReport report) =>
    [
        .. report.Summaries.Select(s => new[]
        {
            s.Decomposer,
            s.Scenes.ToString(CultureInfo.InvariantCulture),
            Number(s.MeanIoU, "F3"),
            s.ForegroundIoU is { } foreground ? Number(foreground, "F3") : "–",
            s.MergedForegroundIoU is { } merged ? Number(merged, "F3") : "–",
            s.MeanPsnr is { } psnr ? Number(psnr, "F2") + " dB" : "∞",
            $"{s.LosslessScenes}/{s.Scenes}",
            Number(s.SecondsPerScene, "F3"),
        }),
    ];

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
