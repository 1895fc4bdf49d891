using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered eval</c>: scores the model against two baselines (the image as one layer, k-means colour layers) on
/// held-out layered scenes whose true layers are known, and writes the report as Markdown and JSON.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = ModelFolderOption.Create();
        var scenes = new Option<int>("--scenes") { Description = "Scenes to generate (without --data).", DefaultValueFactory = _ => 64 };
        var size = new Option<int?>("--size") { Description = "Side of generated scenes, a multiple of 16 (default: the model's default resolution)." };
        // Far from the seeds training generates (0, 1, 2, …), so the scenes are held out.
        var seed = new Option<int>("--seed") { Description = "Seed of the first generated scene (scene i has seed + i).", DefaultValueFactory = _ => 1_000_000 };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder of layered-scene folders to use instead of generated scenes." };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => ModelSampling.DefaultSteps };
        var guidance = new Option<float>("--guidance") { Description = "True classifier-free guidance scale (1 turns it off).", DefaultValueFactory = _ => 1f };
        var resolution = new Option<int?>("--resolution") { Description = "Working resolution of the model, any multiple of 16 (default: each scene's own size)." };
        var noiseSeed = new Option<ulong>("--noise-seed") { Description = "Seed of the model's initial noise, the same for every scene.", DefaultValueFactory = _ => 0 };
        var stepCache = StepCacheOption.Create();
        var prompt = new Option<string>("--prompt") { Description = "Text condition (default: empty, as in training).", DefaultValueFactory = _ => "" };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var dtype = new Option<string>("--dtype") { Description = "fp32, bf16 or fp16 (default: bf16 on CUDA, fp32 on CPU).", DefaultValueFactory = _ => "" };
        var memory = MemoryModeOption.Create();
        var layerCount = new Option<bool>("--layer-count")
        {
            Description = "Measure the automatic layer count instead (exact-match rate and mean absolute error against the true count, " +
                          "beside always the default and each image heuristic); no sampling.",
        };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the Markdown and JSON reports.", DefaultValueFactory = _ => new DirectoryInfo("eval-report") };
        size.Require(n => n is not < 16, "--size must be at least 16.");
        foreach (var positive in new[] { scenes, steps })
            positive.Require(n => n >= 1, $"{positive.Name} must be at least 1.");
        size.Require(n => n % 16 is not > 0, "--size must be a multiple of 16.");
        resolution.Require(n => n is not { } value || (value >= 16 && value % 16 == 0), "--resolution must be a positive multiple of 16.");

        var command = new Command("eval", "Score the model and two baselines on held-out layered scenes (layer IoU, recomposite PSNR, time).")
        {
            model, scenes, size, seed, data, steps, guidance, resolution, noiseSeed, stepCache, prompt, device, dtype, memory, layerCount, output,
        };
        command.SetAction((result, cancellation) =>
        {
            try
            {
                string modelFolder = ModelFolderOption.Resolve(result.GetValue(model));
                var (sceneSet, sceneSetup) = result.GetValue(data) is { } folder
                    ? (SceneFolder.ReadAll(folder.FullName), $"scenes from {folder.FullName}")
                    : Generated(result.GetValue(seed), result.GetValue(scenes), result.GetValue(size) ?? ModelProfile.Read(modelFolder).DefaultResolution);
                if (sceneSet.Count == 0) throw new UserErrorException("there are no scenes to evaluate.");
                if (result.GetValue(layerCount))
                    return Task.FromResult(RunLayerCount(modelFolder, sceneSet, sceneSetup, result.GetValue(device)!, result.GetValue(dtype)!,
                        result.GetValue(output)!.FullName, result.InvocationConfiguration.Output, cancellation));
                var sampling = new ModelSampling(result.GetValue(resolution), result.GetValue(steps), result.GetValue(guidance), result.GetValue(noiseSeed), result.GetValue(prompt)!,
                    result.GetValue(stepCache));
                return Task.FromResult(Run(modelFolder, sceneSet, sceneSetup, sampling,
                    result.GetValue(device)!, result.GetValue(dtype)!, MemoryModes.Parse(result.GetValue(memory)), result.GetValue(output)!.FullName, result.InvocationConfiguration.Output, cancellation));
            }
            catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw new UserErrorException(error.Message, error);
            }
        });
        return command;
    }

    private static (IReadOnlyList<LayeredScene>, string) Generated(int seed, int count, int size) =>
        (SceneGenerator.Generate(seed, count, size, size),
         $"{count} generated scenes (seeds {seed}–{seed + count - 1}, {size}x{size}, {SceneGenerator.MinLayers}–{SceneGenerator.MaxLayers} layers)");

    private static int Run(string modelFolder, IReadOnlyList<LayeredScene> scenes, string sceneSetup, ModelSampling sampling,
        string deviceName, string dtypeName, MemoryMode memory, string outputFolder, TextWriter console, CancellationToken cancellation)
    {
        try
        {
            var device = ComputeDevice.Select(deviceName, NullLogger.Instance);
            var dtype = DTypeName.ParseOrDefault(dtypeName, device);
            console.WriteLine($"Loading {modelFolder} ({dtype} on {device}, memory mode {memory.Name()})");
            using var layered = LayeredModel.Load(modelFolder, dtype, device, memory);
            var model = new ModelDecomposer(layered, sampling);
            string imageGuidance = layered.Pipeline.ImageGuidance is { } image
                ? $"image guidance {Number(image.Scale)} from σ {Number(image.MinSigma)}"
                : "no image guidance";
            string setup = $"{sceneSetup}; {model.Name} ({dtype} on {device}): {sampling.Steps} steps, guidance {Number(sampling.GuidanceScale)}, {imageGuidance}, " +
                           $"resolution {(sampling.Resolution is { } r ? Number(r) : "= scene size")}, noise seed {sampling.Seed}, " +
                           $"{(sampling.StepCacheThreshold > 0 ? $"step cache {sampling.StepCacheThreshold.ToString(CultureInfo.InvariantCulture)}" : "no step cache")}, " +
                           $"prompt \"{sampling.Prompt}\"; layers = each scene's true count.";
            var report = Evaluator.Evaluate(scenes, [new SingleLayerBaseline(), new KMeansColourBaseline(), model], setup,
                score => console.WriteLine($"[{score.Scene + 1}/{scenes.Count}] {score.Decomposer}: IoU {Number(score.MeanIoU, "F3")}, " +
                                           $"PSNR {(double.IsFinite(score.RecompositePsnr) ? Number(score.RecompositePsnr, "F2") + " dB" : "∞")}, {Number(score.Seconds, "F2")} s"),
                cancellation, [new VaeRoundTrip(layered.Pipeline.Vae, sampling)]);
            console.WriteLine();
            console.Write(EvaluationReportFormat.ToText(report));
            if (sampling.StepCacheThreshold > 0)
                console.WriteLine(StepCacheOption.Report(model.Steps.Cached, model.Steps.Total));
            EvaluationReportFormat.Write(report, outputFolder);
            console.WriteLine($"Reports written to {outputFolder}");
            return 0;
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException(error.Message, error);
        }
    }

    private static int RunLayerCount(string modelFolder, IReadOnlyList<LayeredScene> scenes, string sceneSetup, string deviceName, string dtypeName,
        string outputFolder, TextWriter console, CancellationToken cancellation)
    {
        var device = ComputeDevice.Select(deviceName, NullLogger.Instance);
        var dtype = DTypeName.ParseOrDefault(dtypeName, device);
        console.WriteLine($"Loading {modelFolder} ({dtype} on {device})");
        using var layered = LayeredModel.Load(modelFolder, dtype, device);
        var scores = LayerCountEvaluation.Evaluate(layered, scenes, (index, choice) =>
            console.WriteLine($"[{index + 1}/{scenes.Count}] true {scenes[index].Layers.Count}, automatic {choice.Layers} " +
                              $"({choice.Elements} elements {(choice.FromModel ? "listed by the captioner" : "counted on the image")})"), cancellation);
        string report = $"{sceneSetup}; {layered.Name} ({dtype} on {device}), counts bounded by 1 and {layered.Policy.Limits.MaxLayers}.\n\n" +
                        LayerCountScore.ToMarkdown(scores);
        console.WriteLine();
        console.Write(report);
        Directory.CreateDirectory(outputFolder);
        File.WriteAllText(Path.Combine(outputFolder, "layer-count.md"), report);
        console.WriteLine($"Report written to {Path.Combine(outputFolder, "layer-count.md")}");
        return 0;
    }

    private static string Number(double value, string format = "G") => value.ToString(format, CultureInfo.InvariantCulture);
}
