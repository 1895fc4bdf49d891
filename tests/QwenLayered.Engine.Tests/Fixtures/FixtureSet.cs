using System.Text.Json;

namespace QwenLayered.Engine.Tests.Fixtures;

/// <summary>
/// The golden fixture set: <c>QL_FIXTURES_DIR</c>, or <c>../shared/fixtures</c> next to the folder holding
/// QwenLayered.sln. Cases are listed from its index.json by component, never by name.
/// </summary>
public static class FixtureSet
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    public static string Root => RootPath.Value;

    /// <summary>The cases of one component, in index order.</summary>
    public static IReadOnlyList<FixtureCase> CasesOf(string component)
    {
        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "index.json")));
        return index.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("component").GetString() == component)
            .Select(c => new FixtureCase(Path.Combine(Root, c.GetProperty("case").GetString()!), c.GetProperty("files").Clone()))
            .ToList();
    }

    /// <summary>The case folders of one component, as xunit theory data.</summary>
    public static TheoryData<string> CaseNamesOf(string component) =>
        new(CasesOf(component).Select(c => c.Name));

    /// <summary>One case of a component by the name <see cref="CaseNamesOf"/> gave.</summary>
    public static FixtureCase Case(string component, string name) => CasesOf(component).Single(c => c.Name == name);

    private static string FindRoot()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("QL_FIXTURES_DIR");
        if (!string.IsNullOrEmpty(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "QwenLayered.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures"));
        throw new DirectoryNotFoundException("No QwenLayered.sln above the test folder; set QL_FIXTURES_DIR.");
    }
}

/// <summary>One fixture case folder and the files its index entry names.</summary>
public sealed record FixtureCase(string Folder, JsonElement Files)
{
    public string Name => Path.GetFileName(Folder);

    /// <summary>The path of the file (or folder) the index lists under <paramref name="role"/>.</summary>
    public string File(string role) => Path.Combine(Folder, Files.GetProperty(role).GetString()!);

    public JsonDocument ReadManifest() => JsonDocument.Parse(System.IO.File.ReadAllText(Path.Combine(Folder, "manifest.json")));
}
