using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Benchmarks;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered bench</c>: measures load, encoding, sampling and decoding on a model folder or random weights.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder in the diffusers layout." };
        var random = new Option<bool>("--random-weights") { Description = "Build the model in memory with seeded random weights instead." };
        var config = new Option<string>("--config") { Description = "Random-weight size: tiny, small, demo (the shipped demo model's shape), or full (the published 20.4B transformer, RGBA VAE, Qwen2.5-VL-7B).", DefaultValueFactory = _ => "tiny" };
        var tokenizer = new Option<DirectoryInfo?>("--tokenizer") { Description = "Qwen2.5 tokenizer folder for random weights." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var dtype = new Option<string>("--dtype") { Description = "fp32, bf16 or fp16 (default: bf16 on CUDA, fp32 on CPU).", DefaultValueFactory = _ => "" };
        var resolution = new Option<int?>("--resolution") { Description = "Edge of the square test image in pixels (default: the model's own, the first in its qwenlayered.json; 640 for random weights)." };
        var layers = new Option<int>("--layers") { Description = "Layers to produce.", DefaultValueFactory = _ => DecompositionPolicy.DefaultLayers };
        var steps = new Option<int>("--steps") { Description = "Sampling steps.", DefaultValueFactory = _ => DecompositionPolicy.FallbackSteps };
        var cfg = new Option<string>("--cfg") { Description = "True classifier-free guidance: on or off.", DefaultValueFactory = _ => "on" };
        var cfgBatch = new Option<string>("--cfg-batch") { Description = "Both guidance branches in one forward (on) or two calls (off).", DefaultValueFactory = _ => "on" };
        var batch = new Option<int>("--batch") { Description = "Jobs of the same shape run as one batch.", DefaultValueFactory = _ => 1 };
        var previews = new Option<int>("--preview-every") { Description = "A preview every k steps (0: none).", DefaultValueFactory = _ => 5 };
        var otherSteps = new Option<int>("--other-cfg-steps") { Description = "Steps of the short run with guidance flipped (0: skip it).", DefaultValueFactory = _ => 3 };
        var warmup = new Option<string>("--warmup") { Description = "A one-step decomposition before measuring: on or off.", DefaultValueFactory = _ => "on" };
        var textEncoder = new Option<string>("--text-encoder") { Description = "Text encoder after encoding: keep, cpu or unload (for short device memory).", DefaultValueFactory = _ => "keep" };
        var memory = MemoryModeOption.Create();
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as JSON to this file." };
        foreach (var onOff in new[] { cfg, cfgBatch, warmup })
            onOff.AcceptOnlyFromAmong("on", "off");
        textEncoder.AcceptOnlyFromAmong("keep", "cpu", "unload");

        var command = new Command("bench", "Measure a decomposition: load, text encoding, VAE, time per step, memory; prints a table and JSON.")
        {
            model, random, config, tokenizer, device, dtype, resolution, layers, steps, cfg, cfgBatch, batch, previews, otherSteps, warmup, textEncoder, memory, json,
            BenchRefineCommand.Create(),
        };
        command.SetAction(result =>
        {
            try
            {
                if ((result.GetValue(model) is null) == !result.GetValue(random))
                    throw new UserErrorException("give either --model <folder> or --random-weights (with --config and --tokenizer).");
                var selected = ComputeDevice.Select(result.GetValue(device)!, NullLogger.Instance);
                string dtypeName = result.GetValue(dtype)!;
                var options = new BenchmarkOptions
                {
                    ModelFolder = result.GetValue(model)?.FullName,
                    RandomConfig = result.GetValue(config)!,
                    TokenizerFolder = result.GetValue(tokenizer)?.FullName,
                    Device = selected,
                    DType = DTypeName.ParseOrDefault(dtypeName, selected),
                    Resolution = result.GetValue(resolution), Layers = result.GetValue(layers), Steps = result.GetValue(steps),
                    Guidance = result.GetValue(cfg) == "on", BatchGuidance = result.GetValue(cfgBatch) == "on", Batch = result.GetValue(batch),
                    PreviewEverySteps = result.GetValue(previews), OtherGuidanceSteps = result.GetValue(otherSteps), WarmUp = result.GetValue(warmup) == "on",
                    TextEncoderResidency = result.GetValue(textEncoder) switch
                    {
                        "cpu" => TextEncoderResidency.MoveToCpu,
                        "unload" => TextEncoderResidency.Unload,
                        _ => TextEncoderResidency.KeepOnDevice,
                    },
                    Memory = MemoryModes.Parse(result.GetValue(memory)),
                };
                var console = result.InvocationConfiguration.Output;
                var report = BenchmarkRunner.Run(options, console);
                console.WriteLine();
                console.Write(report.ToTable());
                if (result.GetValue(json) is { } file)
                {
                    File.WriteAllText(file.FullName, report.ToJson());
                    console.WriteLine($"JSON written to {file.FullName}");
                }
                return 0;
            }
            catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException)
            {
                throw new UserErrorException(error.Message, error);
            }
        });
        return command;
    }
}
