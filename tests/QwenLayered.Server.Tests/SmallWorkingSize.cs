using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Server.Tests;

/// <summary>
/// Gives a test model folder a profile with one working resolution of 64 px, as the demo model has. Without one a folder
/// is run as the published model, at 640 px: a hundred times the pixels, for the same behaviour under test.
/// </summary>
internal static class SmallWorkingSize
{
    public static void Write(string modelFolder) =>
        File.WriteAllText(Path.Combine(modelFolder, ModelProfile.FileName), """{ "resolutions": [64] }""");
}
