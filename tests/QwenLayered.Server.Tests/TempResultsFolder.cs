namespace QwenLayered.Server.Tests;

/// <summary>A results folder of its own for one server, deleted afterwards.</summary>
internal sealed class TempResultsFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("qwenlayered-results-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
