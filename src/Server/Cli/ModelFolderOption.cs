using System.CommandLine;

namespace QwenLayered.Server.Cli;

/// <summary>
/// The <c>--model</c> option of <c>eval</c> and where its folder is resolved: the one place to change when a default
/// model arrives.
/// </summary>
internal static class ModelFolderOption
{
    public static Option<DirectoryInfo?> Create() => new("--model") { Description = "Model folder in the diffusers layout.", Required = true };

    /// <summary>The model folder's full path.</summary>
    public static string Resolve(DirectoryInfo? given) =>
        given?.FullName ?? throw new ArgumentException("--model is required: give a model folder in the diffusers layout.");
}
