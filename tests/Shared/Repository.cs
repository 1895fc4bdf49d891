namespace QwenLayered.Tests;

/// <summary>
/// Files that ship in the repository, found from the test's bin folder upwards (the folder holding
/// <c>QwenLayered.sln</c>), so tests read them where they are instead of copies in every bin folder.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The Qwen2.5 tokenizer of the demo model, for tests that need a real tokenizer rather than a fixture case's.</summary>
    public static string Tokenizer => PathOf("models/qwenlayered-demo/tokenizer");

    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "QwenLayered.sln"))) return folder.FullName;
        throw new DirectoryNotFoundException($"The tests run outside the repository: no QwenLayered.sln above {AppContext.BaseDirectory}.");
    }
}
