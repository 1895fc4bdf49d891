namespace QwenLayered.Tools.ServerLoadCheck;

/// <summary>Prints the load check's figures as a Markdown table row set.</summary>
public static class Report
{
    public static void Print(LoadSettings load, IReadOnlyList<JobOutcome> outcomes, TimeSpan wall)
    {
        int completed = outcomes.Count(o => o.Outcome == "completed");
        // Measured from the accepted submit, so retries after refusals are not counted.
        var previews = outcomes.Where(o => o.TimeToFirstPreview is not null).Select(o => o.TimeToFirstPreview!.Value.TotalSeconds).Order().ToList();
        var progress = outcomes.Where(o => o.TimeToFirstProgress is not null).Select(o => o.TimeToFirstProgress!.Value.TotalSeconds).Order().ToList();
        Console.WriteLine($"servers {load.Servers}{(load.Servers > 1 ? " on one Redis" : "")}, artists {load.Artists}, jobs per artist {load.JobsPerArtist}, {load.Steps} steps, {load.Layers} layers, queue capacity {load.QueueCapacity}, {load.InFlightPerArtist} in flight per artist, time limit {load.Duration.TotalSeconds:F0} s");
        Console.WriteLine($"jobs {outcomes.Count} in {wall.TotalSeconds:F1} s; full-queue refusals answered (then retried after 250 ms): {outcomes.Sum(o => o.Refusals)}");
        foreach (var group in outcomes.GroupBy(o => o.Outcome).OrderBy(g => g.Key))
            Console.WriteLine($"  {group.Key,-22} {group.Count()}");
        Console.WriteLine($"completed per artist: {string.Join(", ", outcomes.GroupBy(o => o.Artist).OrderBy(g => g.Key).Select(g => g.Count(o => o.Outcome == "completed")))}");
        Console.WriteLine($"jobs/minute {completed / wall.TotalMinutes:F1}");
        Console.WriteLine($"time to first progress p50 {Percentile(progress, 0.50):F2} s, p95 {Percentile(progress, 0.95):F2} s (n={progress.Count})");
        Console.WriteLine($"time to first preview p50 {Percentile(previews, 0.50):F2} s, p95 {Percentile(previews, 0.95):F2} s (n={previews.Count})");
        Console.WriteLine($"lost {outcomes.Count(o => o.Outcome.StartsWith("lost", StringComparison.Ordinal))}");
    }

    // Nearest-rank percentile of sorted values; NaN when there are none.
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
