namespace QwenLayered.Server.Tests;

/// <summary>Files of the repository the tests run in (samples, the demo model).</summary>
internal static class RepositoryFiles
{
    public static string Path(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "QwenLayered.sln"))) return System.IO.Path.Combine(folder.FullName, relative);
        throw new DirectoryNotFoundException("The tests run outside the repository.");
    }
}
