using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.ModelFolders;

/// <summary>
/// The small demo model that ships in the repository under <c>models/qwenlayered-demo</c>: a model of the same
/// architecture trained on procedural layered scenes, used when no model folder is given.
/// </summary>
public static class DemoModel
{
    public const string RelativeFolder = "models/qwenlayered-demo";

    /// <summary>The demo model's folder (see <see cref="ShippedFolder"/>); null when there is none.</summary>
    public static string? Find() => ShippedFolder.Find(RelativeFolder, "model_index.json");

    /// <summary>The model folder to use: the one given, else the demo model; a clear error when neither exists.</summary>
    public static string Resolve(string? given) =>
        !string.IsNullOrWhiteSpace(given) ? given
        : Find() ?? throw new ModelFolderException(RelativeFolder,
            "no model folder was given and the demo model is not there. Pass --model <folder> (a diffusers-layout Qwen-Image-Layered folder).");
}
