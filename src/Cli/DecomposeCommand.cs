using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Runtime;
using QwenLayered.LayerFiles;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered decompose IMAGE</c>: decomposes one image file locally and writes the layers to a folder.</summary>
internal static class DecomposeCommand
{
    // The limits do not depend on the model: they are checked before it loads.
    private static readonly DecompositionLimits Limits = DecompositionPolicy.Published.Limits;

    /// <summary>The <c>--layers</c> value that leaves the count to the model.</summary>
    public const string Automatic = "auto";

    public static Command Create()
    {
        var image = new Argument<FileInfo>("image") { Description = "The image to decompose (PNG, JPEG or WebP)." };
        var model = ModelFolderOption.Create();
        var output = new Option<DirectoryInfo?>("--out") { Description = "Output folder (default: <image name>-layers beside the image)." };
        var layers = new Option<string>("--layers")
        {
            Description = $"Layers to produce, 1 to {Limits.MaxLayers}, or {Automatic} to let the model choose as many as the image has (up to {Limits.MaxLayers}).",
            DefaultValueFactory = _ => DecompositionPolicy.DefaultLayers.ToString(CultureInfo.InvariantCulture),
        };
        var prompt = new Option<string>("--prompt") { Description = "What the image shows, including partly hidden things (default: the model captions the image).", DefaultValueFactory = _ => "" };
        var captionLanguage = new Option<string>("--caption-language") { Description = "Language of the automatic caption: en or zh.", DefaultValueFactory = _ => "en" };
        var negative = new Option<string>("--negative-prompt")
        {
            Description = $"Negative prompt (default \"{DecompositionPolicy.DefaultNegativePrompt}\", which turns true guidance on).",
            DefaultValueFactory = _ => DecompositionPolicy.DefaultNegativePrompt,
        };
        var steps = new Option<int?>("--steps") { Description = $"Sampling steps, 1 to {Limits.MaxSteps} (default: the model's, else {DecompositionPolicy.FallbackSteps})." };
        var guidance = new Option<float?>("--guidance") { Description = $"True classifier-free guidance scale, 1 turns it off (default: the model's, else {DecompositionPolicy.FallbackGuidanceScale})." };
        var stepCache = StepCacheOption.Create();
        var seed = new Option<ulong>("--seed") { Description = "Seed of the initial noise.", DefaultValueFactory = _ => 777 };
        var resolution = new Option<int?>("--resolution") { Description = $"Working resolution, one the model was trained at: {string.Join(" or ", DecompositionPolicy.Published.Resolutions)} for the published model (default: the model's first)." };
        var bits = new Option<int>("--bits") { Description = "Bits per channel of the layer PNGs: 8 or 16.", DefaultValueFactory = _ => 8 };
        var workingSize = new Option<bool>("--working-size")
        {
            Description = "Layers at the model's working size (about the resolution squared), as the model makes them, instead of at the image's " +
                          "own size refined to stack back to it.",
        };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var dtype = new Option<string>("--dtype") { Description = "fp32, bf16 or fp16 (default: bf16 on CUDA, fp32 on CPU).", DefaultValueFactory = _ => "" };
        var memory = MemoryModeOption.Create();
        layers.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>();
            if (value != Automatic && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                result.AddError($"Cannot parse argument '{value}' for option '--layers': give 1 to {Limits.MaxLayers}, or {Automatic}.");
            else if (LayersOf(value) is < 1 || LayersOf(value) > Limits.MaxLayers)
                result.AddError($"--layers must be 1 to {Limits.MaxLayers}, or {Automatic}.");
        });
        steps.Require(n => n is null || (n >= 1 && n <= Limits.MaxSteps), $"--steps must be 1 to {Limits.MaxSteps}.");
        bits.Require(n => n is 8 or 16, "--bits must be 8 or 16.");

        var command = new Command("decompose", "Decompose one image into RGBA layers on this machine.")
        {
            image, model, output, layers, prompt, captionLanguage, negative, steps, guidance, stepCache, seed, resolution, bits, workingSize, device, dtype, memory,
        };
        command.SetAction((result, cancellation) =>
        {
            var file = result.GetValue(image)!;
            var choices = new Choices(LayersOf(result.GetValue(layers)!), result.GetValue(steps), result.GetValue(guidance), result.GetValue(resolution),
                result.GetValue(seed), result.GetValue(bits) == 16, result.GetValue(stepCache), !result.GetValue(workingSize));
            return Task.FromResult(Run(file, result.GetValue(model),
                result.GetValue(output)?.FullName ?? Path.Combine(file.DirectoryName ?? ".", Path.GetFileNameWithoutExtension(file.Name) + "-layers"),
                result.GetValue(prompt)!, result.GetValue(captionLanguage)!, result.GetValue(negative), choices,
                result.GetValue(device)!, result.GetValue(dtype)!, MemoryModes.Parse(result.GetValue(memory)), result.InvocationConfiguration.Output, cancellation));
        });
        return command;
    }

    private static int Run(FileInfo file, DirectoryInfo? modelOption, string outputFolder, string prompt, string captionLanguage, string? negative,
        Choices choices, string deviceName, string dtypeName, MemoryMode memory, TextWriter console, CancellationToken cancellation)
    {
        if (Directory.Exists(file.FullName)) throw new UserErrorException($"{file.FullName} is a folder; give an image file (PNG, JPEG or WebP).");
        if (!file.Exists) throw new UserErrorException($"{file.FullName} does not exist.");
        try
        {
            var bytes = File.ReadAllBytes(file.FullName);
            var image = new InputImage(bytes, DecompositionPolicy.Published.ReadImageHeader(bytes));
            string modelFolder = ModelFolderOption.Resolve(modelOption);
            var device = ComputeDevice.Select(deviceName, NullLogger.Instance);
            var dtype = DTypeName.ParseOrDefault(dtypeName, device);
            console.WriteLine($"Loading {modelFolder} ({dtype} on {device}, memory mode {memory.Name()})");
            using var model = LayeredModel.Load(modelFolder, dtype, device, memory);
            var policy = model.Policy;
            if (policy.Profile.Description != "") console.WriteLine(policy.Profile.Description);
            var settings = new DecompositionSettings
            {
                Layers = policy.Layers(choices.Layers ?? 0, automatic: choices.Layers is null), AutomaticLayers = choices.Layers is null,
                Steps = choices.Steps ?? policy.DefaultSteps,
                GuidanceScale = choices.Guidance ?? policy.DefaultGuidanceScale, Seed = choices.Seed, SixteenBit = choices.SixteenBit,
                StepCacheThreshold = choices.StepCacheThreshold,
                FullResolution = choices.FullResolution,
            };
            var request = policy.Request(image, prompt, settings, choices.Resolution ?? 0) with
            {
                NegativePrompt = negative, CaptionLanguage = CaptionLanguageName.Parse(captionLanguage),
            };
            var progress = new ConsoleProgress(console);
            var result = model.Decompose(request, progress.Report, cancellation);
            DecompositionFiles.Write(outputFolder, file.FullName, request, result, settings.SixteenBit);
            console.WriteLine($"Wrote {result.Layers.Count} layers ({result.Width}x{result.Height}) to {outputFolder}");
            console.WriteLine("Timings: " + string.Join(", ", result.Timings.Select(t => $"{t.Phase} {t.Duration.TotalSeconds:F2} s")));
            if (settings.StepCacheThreshold > 0) console.WriteLine(StepCacheOption.Report(result.CachedSteps, settings.Steps));
            return 0;
        }
        catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException(error.Message, error);
        }
        catch (NonFiniteValuesException error)
        {
            throw new UserErrorException($"{error.Message} Try --dtype fp32 if this was bf16 or fp16; in fp32, check this machine's numerics with " +
                                         "qwenlayered verify, then the model's weights.", error);
        }
    }

    // A count, or null for the automatic one.
    private static int? LayersOf(string value) => value == Automatic ? null : int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);

    // What the user chose (null layers: automatic); unset sampling settings get the model's defaults (its policy's).
    private sealed record Choices(int? Layers, int? Steps, float? Guidance, int? Resolution, ulong Seed, bool SixteenBit, float StepCacheThreshold,
        bool FullResolution);
}
