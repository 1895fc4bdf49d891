using System.Text.Json;
using System.Text.RegularExpressions;

namespace QwenLayered.Toolbox.Parity;

/// <summary>The elementwise rule <c>|actual - expected| &lt;= Atol + Rtol·|expected|</c>.</summary>
public sealed record Tolerance(double Atol, double Rtol)
{
    public static Tolerance Exact { get; } = new(0, 0);

    /// <summary>
    /// Finds the rule for <paramref name="output"/> in a manifest's <c>tolerance</c> object. Keys are output names or
    /// '/'-separated lists of patterns with '*' wildcards; an exact name wins, then the longest matching pattern, then
    /// <c>all</c>, then top-level <c>atol</c>/<c>rtol</c>. A rule given as the string "exact" means zero tolerance.
    /// Returns null when nothing applies.
    /// </summary>
    public static Tolerance? Resolve(JsonElement tolerances, string output)
    {
        if (tolerances.ValueKind != JsonValueKind.Object) return null;
        Tolerance? best = null;
        int bestRank = -1;
        foreach (var entry in tolerances.EnumerateObject())
        {
            if (ParseRule(entry.Value) is not { } rule) continue;
            int rank = entry.Name.Split('/').Select(pattern => Rank(pattern, output)).Max();
            if (rank > bestRank) (best, bestRank) = (rule, rank);
        }
        if (best is not null) return best;
        return tolerances.TryGetProperty("atol", out var atol) && atol.ValueKind == JsonValueKind.Number
            ? new Tolerance(atol.GetDouble(), Number(tolerances, "rtol"))
            : null;
    }

    // -1: no match; 0: "all"; 1 + literal length for a wildcard match; int.MaxValue for the exact name.
    private static int Rank(string pattern, string output)
    {
        if (pattern == output) return int.MaxValue;
        if (pattern == "all") return 0;
        if (!pattern.Contains('*')) return -1;
        string regex = "^" + string.Join(".*", pattern.Split('*').Select(Regex.Escape)) + "$";
        return Regex.IsMatch(output, regex) ? 1 + pattern.Replace("*", "").Length : -1;
    }

    private static Tolerance? ParseRule(JsonElement rule) => rule.ValueKind switch
    {
        JsonValueKind.String when rule.GetString() == "exact" => Exact,
        JsonValueKind.Object when rule.TryGetProperty("atol", out var atol) && atol.ValueKind == JsonValueKind.Number =>
            new Tolerance(atol.GetDouble(), Number(rule, "rtol")),
        _ => null,
    };

    private static double Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0.0;
}
