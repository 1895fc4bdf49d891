using System.Text.Json.Nodes;

namespace QwenLayered.Engine.Parity;

/// <summary>
/// The <c>tolerance</c> object of a fixture manifest: <c>{"name": {"atol", "rtol"}}</c> where a name may end in
/// <c>*</c>. An exact name wins, then the longest matching prefix pattern.
/// </summary>
internal sealed class FixtureTolerances(JsonObject tolerance)
{
    public (double Atol, double Rtol) For(string name)
    {
        if (tolerance[name] is JsonObject exact) return Read(exact);
        var pattern = tolerance
            .Where(p => p.Key.EndsWith('*') && name.StartsWith(p.Key[..^1], StringComparison.Ordinal) && p.Value is JsonObject)
            .OrderByDescending(p => p.Key.Length)
            .FirstOrDefault();
        return pattern.Value is JsonObject match
            ? Read(match)
            : throw new InvalidDataException($"The manifest gives no tolerance for '{name}'.");
    }

    private static (double, double) Read(JsonObject entry) => ((double)entry["atol"]!, (double)entry["rtol"]!);
}
