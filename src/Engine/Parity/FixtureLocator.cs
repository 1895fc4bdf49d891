namespace QwenLayered.Engine.Parity;

/// <summary>Where the fixtures are when nobody says: <c>QL_FIXTURES_DIR</c>, else <c>../shared/fixtures</c> beside the repository.</summary>
public static class FixtureLocator
{
    public const string EnvironmentVariable = "QL_FIXTURES_DIR";

    /// <summary>
    /// <c>QL_FIXTURES_DIR</c> if set; otherwise walks up from <paramref name="start"/> to the folder holding
    /// <c>QwenLayered.sln</c> and returns its <c>../shared/fixtures</c>; otherwise <c>../shared/fixtures</c> from <paramref name="start"/>.
    /// </summary>
    public static string Default(string start)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return Path.GetFullPath(fromEnvironment);
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "QwenLayered.sln")))
                return Path.GetFullPath(Path.Combine(folder.FullName, "..", "shared", "fixtures"));
        }
        return Path.GetFullPath(Path.Combine(start, "..", "shared", "fixtures"));
    }
}
