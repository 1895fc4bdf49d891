using System.CommandLine;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Cli;

/// <summary>The <c>--model</c> option of <c>decompose</c> and <c>eval</c>: a model folder, by default the demo model.</summary>
internal static class ModelFolderOption
{
    public static Option<DirectoryInfo?> Create() =>
        new("--model") { Description = $"Model folder in the diffusers layout (default: the small demo model in {DemoModel.RelativeFolder})." };

    /// <summary>The model folder's full path: the one given, else the demo model's.</summary>
    /// <exception cref="ModelFolderException">No folder was given and the demo model is not there.</exception>
    public static string Resolve(DirectoryInfo? given) => Path.GetFullPath(DemoModel.Resolve(given?.FullName));
}
