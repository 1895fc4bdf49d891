using QwenLayered.Engine.Runtime;

namespace QwenLayered.Toolbox.Parity;

/// <summary>Where the fixtures are when nobody says: <c>QL_FIXTURES_DIR</c>, else the repository's reference set in <c>tests/fixtures</c>.</summary>
public static class FixtureLocator
{
    public const string EnvironmentVariable = "QL_FIXTURES_DIR";

    public const string RepositoryFolder = "tests/fixtures";

    /// <summary>The fixture set to use when none is given, from the current value of <c>QL_FIXTURES_DIR</c>.</summary>
    public static string Default() => Default(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>
    /// <paramref name="environmentValue"/> (the value of <c>QL_FIXTURES_DIR</c>) if set; otherwise the repository's set,
    /// found as <see cref="ShippedFolder"/> finds it; otherwise <c>tests/fixtures</c> below the working directory, whose
    /// missing index then names the folder it looked in.
    /// </summary>
    public static string Default(string? environmentValue) =>
        !string.IsNullOrWhiteSpace(environmentValue) ? Path.GetFullPath(environmentValue)
        : ShippedFolder.Find(RepositoryFolder, "index.json") ?? Path.GetFullPath(RepositoryFolder);
}
