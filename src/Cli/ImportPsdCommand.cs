using System.CommandLine;
using QwenLayered.CommandLine;
using QwenLayered.LayerFiles;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered import-psd</c>: turns layered PSD files into layered-scene folders that <c>train --data</c> reads.
/// A thin wrapper over <see cref="PsdSceneImporter"/>.
/// </summary>
internal static class ImportPsdCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("psd") { Description = "A .psd file, or a folder whose .psd files are all imported." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the scene folders (one per PSD, named after it).", Required = true };
        var size = new Option<int?>("--size")
        {
            Description = "Fit every scene into an NxN square, a multiple of 16 (train needs one size for all scenes): the longer side " +
                          "is scaled to N and the rest padded, transparent on every layer but the bottom one, which repeats its edge pixels.",
        };
        size.Require(n => n is not { } side || (side >= 16 && side % 16 == 0), "--size must be a positive multiple of 16.");

        var command = new Command("import-psd",
            $"Import layered PSD files as training scenes: visible layers bottom to top (hidden ones dropped; files with more than " +
            $"{PsdSceneImporter.MaxLayers} are skipped) and their composite. Exits with 1 when nothing was imported.")
        {
            input, output, size,
        };
        command.SetAction(result =>
        {
            var (console, errors) = (result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
            string source = result.GetValue(input)!;
            var files = PsdSceneImporter.FindPsdFiles(source);
            if (files.Count == 0)
            {
                errors.WriteLine($"import-psd: {source} holds no .psd files.");
                return 1;
            }
            var report = new PsdSceneImporter(PsdReadLimits.Default, result.GetValue(size)).ImportAll(files, result.GetValue(output)!.FullName);
            foreach (string folder in report.SceneFolders) console.WriteLine($"Imported {folder}");
            foreach (var skip in report.Skipped) errors.WriteLine($"Skipped: {skip.Reason}");
            console.WriteLine($"Imported {report.SceneFolders.Count}, skipped {report.Skipped.Count}.");
            return report.SceneFolders.Count > 0 ? 0 : 1;
        });
        return command;
    }
}
