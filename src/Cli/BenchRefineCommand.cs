using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Evaluation;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered bench refine</c>: full-resolution layers on generated scenes with known layers, today's working-size
/// layers upscaled with Lanczos against the refined ones; prints a Markdown table, and can draw the README's picture.
/// </summary>
internal static class BenchRefineCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder (default: the demo model)." };
        var sizes = new Option<string>("--sizes") { Description = "Scene sizes, comma-separated WxH.", DefaultValueFactory = _ => "1024x1024,3000x2000" };
        var scenes = new Option<int>("--scenes") { Description = "Scenes per size.", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first scene (held out from training's seeds by default).", DefaultValueFactory = _ => 900_000 };
        var picture = new Option<FileInfo?>("--picture") { Description = "Also write the first scene's input, refined layers and restack as one PNG strip." };
        var pictureHeight = new Option<int>("--picture-height") { Description = "Height of the picture in pixels.", DefaultValueFactory = _ => 160 };
        scenes.Require(n => n >= 1, "--scenes must be at least 1.");

        var command = new Command("refine", "Full-resolution layers on generated scenes: the working-size layers upscaled with Lanczos against the refined ones.")
        {
            model, sizes, scenes, seed, picture, pictureHeight,
        };
        command.SetAction(result =>
        {
            var console = result.InvocationConfiguration.Output;
            var sceneSizes = ParseSizes(result.GetValue(sizes)!);
            var device = ComputeDevice.Select("cpu", NullLogger.Instance);
            using var loaded = LayeredModel.Load(ModelFolderOption.Resolve(result.GetValue(model)), TorchSharp.torch.ScalarType.Float32, device);
            var scores = RefinementBenchmark.Run(loaded, sceneSizes, result.GetValue(scenes), result.GetValue(seed),
                score => console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{score.Width}x{score.Height} scene {score.Scene} {score.Method}: IoU {score.AlphaIoU:F3}, boundary F {score.BoundaryF:F3}, " +
                    $"PSNR {score.Psnr:F1} dB, largest error {score.MaxError}, {score.Seconds:F2} s ({score.CpuSeconds:F2} s CPU), peak {score.PeakBytes / 1e6:F0} MB")),
                (image, layers) =>
                {
                    if (result.GetValue(picture) is { } file) File.WriteAllBytes(file.FullName, RefinementPicture.Png(image, layers, result.GetValue(pictureHeight)));
                });
            console.WriteLine();
            console.Write(RefinementBenchmark.Table(scores));
            return 0;
        });
        return command;
    }

    private static List<(int Width, int Height)> ParseSizes(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(size =>
        {
            var parts = size.Split('x');
            return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0
                ? (w, h)
                : throw new UserErrorException($"--sizes has \"{size}\"; give sizes as WxH, e.g. 1024x1024,3000x2000.");
        })];
}
