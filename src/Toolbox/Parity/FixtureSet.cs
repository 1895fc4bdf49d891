using System.Text.Json;

namespace QwenLayered.Toolbox.Parity;

/// <summary>A fixture folder: <c>index.json</c> lists the cases (<c>{"cases": [{"case", "component"}, ...]}</c>).</summary>
public static class FixtureSet
{
    /// <summary>The cases of <paramref name="folder"/>, optionally only those of one component, in index order.</summary>
    public static IReadOnlyList<FixtureCase> Open(string folder, string? component = null) =>
        [.. List(folder)
            .Where(c => component is null || c.Component == component)
            .Select(c =>
            {
                string caseFolder = Path.Combine(folder, c.Case);
                var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(caseFolder, "manifest.json")));
                return new FixtureCase(c.Case, c.Component, caseFolder, manifest);
            })];

    /// <summary>(case, component) pairs from <c>index.json</c> without opening the cases: for test data enumeration.</summary>
    public static IReadOnlyList<(string Case, string Component)> List(string folder)
    {
        string indexPath = Path.Combine(folder, "index.json");
        if (!File.Exists(indexPath))
            throw new FileNotFoundException($"{indexPath}: no fixture index here; pass --fixtures or set QL_FIXTURES_DIR.", indexPath);

        using var index = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        return [.. index.RootElement.GetProperty("cases").EnumerateArray()
            .Select(entry => (entry.GetProperty("case").GetString()!, entry.GetProperty("component").GetString()!))];
    }
}
