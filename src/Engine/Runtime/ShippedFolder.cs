namespace QwenLayered.Engine.Runtime;

/// <summary>
/// A folder that ships in the repository (the demo model, the reference fixture set), searched from the executable's
/// folder and the working directory upwards, so a build inside the repository, <c>dotnet run</c> from any folder and
/// a published executable run from inside the repository (or with a copy beside it) all find it.
/// </summary>
internal static class ShippedFolder
{
    /// <summary>The first <paramref name="relativeFolder"/> below those folders that holds <paramref name="markerFile"/>; null when there is none.</summary>
    public static string? Find(string relativeFolder, string markerFile) =>
        new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() }
            .SelectMany(Ancestors)
            .Select(folder => Path.Combine(folder, relativeFolder))
            .FirstOrDefault(folder => File.Exists(Path.Combine(folder, markerFile)));

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var directory = new DirectoryInfo(folder); directory is not null; directory = directory.Parent)
            yield return directory.FullName;
    }
}
