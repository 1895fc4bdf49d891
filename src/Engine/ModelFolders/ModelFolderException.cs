namespace QwenLayered.Engine.ModelFolders;

/// <summary>A model folder or config file that cannot be used. The message names the path and the problem.</summary>
public sealed class ModelFolderException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string Path { get; } = path;

    public string Problem { get; } = problem;
}
