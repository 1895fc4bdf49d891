using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered scenes</c>: writes procedurally generated layered scenes as scene folders (layers, composite and
/// manifest), to look at the training data, to hold out an evaluation set, or to train from a fixed folder.
/// </summary>
internal static class ScenesCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write scene-NNNNNN folders into.", Required = true };
        var count = new Option<int>("--count") { Description = "Scenes to write.", DefaultValueFactory = _ => 16 };
        var size = new Option<int>("--size") { Description = "Side of the scenes in pixels, a multiple of 16.", DefaultValueFactory = _ => 128 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first scene; scene i has seed + i.", DefaultValueFactory = _ => 0 };
        count.Require(n => n >= 1, "--count must be at least 1.");
        size.Require(s => s >= 16 && s % 16 == 0, "--size must be a positive multiple of 16.");

        var command = new Command("scenes", "Write procedurally generated layered scenes (the training data format) to a folder.")
        {
            output, count, size, seed,
        };
        command.SetAction(result =>
        {
            string folder = result.GetValue(output)!.FullName;
            int first = result.GetValue(seed), side = result.GetValue(size), total = result.GetValue(count);
            for (int i = 0; i < total; i++)
                SceneFolder.Write(Path.Combine(folder, $"scene-{first + i:D6}"), SceneGenerator.Generate(first + i, side, side));
            result.InvocationConfiguration.Output.WriteLine($"Wrote {total} scenes ({side}x{side}, seeds {first}..{first + total - 1}) to {folder}");
            return 0;
        });
        return command;
    }
}
