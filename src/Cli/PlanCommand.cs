using System.CommandLine;
using System.Globalization;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.RandomModels;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered plan</c>: the device and host memory each memory mode needs for a model at a size, and whether it fits.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var model = new Option<DirectoryInfo?>("--model") { Description = "Model folder in the diffusers layout (only its configs are read)." };
        var config = new Option<string?>("--config") { Description = "A model shape instead of a folder: tiny, small, demo or full (the published model)." };
        var resolution = new Option<int?>("--resolution") { Description = "Working resolution (default: the model's own; 640 for --config)." };
        var layers = new Option<int>("--layers") { Description = "Layers to produce.", DefaultValueFactory = _ => DecompositionPolicy.DefaultLayers };
        var dtype = new Option<string>("--dtype") { Description = "Weight dtype: bf16, fp16 or fp32.", DefaultValueFactory = _ => "bf16" };
        var deviceMemory = new Option<string?>("--device-memory") { Description = "The device's memory, such as 24GiB or 48GB: says which modes fit." };
        var memory = MemoryModeOption.Create();
        var check = new Option<bool>("--check") { Description = "Also measure one forward's activation peak at the planned size (where small enough to run here) and at small shapes the fit has not seen, beside the plan's figures." };
        var command = new Command("plan", "Show the device and host memory each memory mode needs (weights, activations, text encoder) and what fits.")
        {
            model, config, resolution, layers, dtype, deviceMemory, memory, check,
        };
        command.SetAction(result =>
        {
            try
            {
                if ((result.GetValue(model) is null) == (result.GetValue(config) is null))
                    throw new UserErrorException("give either --model <folder> or --config tiny|small|demo|full.");
                var shapes = Shapes(result.GetValue(model), result.GetValue(config));
                int size = result.GetValue(resolution)
                           ?? (result.GetValue(model) is { } folder ? ModelProfile.Read(folder.FullName).DefaultResolution : ModelProfile.Published.DefaultResolution);
                long? total = result.GetValue(deviceMemory) is { } text ? MemoryPlan.ParseSize(text) : null;
                var planDtype = DTypeName.Parse(result.GetValue(dtype)!);
                var fit = ActivationFit.OnThisMachine(planDtype)
                          ?? throw new UserErrorException("activation memory can only be measured on Linux with glibc; plan there.");
                var plan = MemoryPlanner.Plan(shapes, planDtype, size, result.GetValue(layers), total, fit);
                var console = result.InvocationConfiguration.Output;
                console.Write(plan.ToTable());
                if (result.GetValue(check))
                    console.Write(CheckTable(plan.For(MemoryMode.Resident).Activations <= MeasurableActivations
                        ? [MemoryPlanner.CheckActivations(shapes, planDtype, size, result.GetValue(layers), fit), .. fit.CheckAgainstMeasured()]
                        : fit.CheckAgainstMeasured()));
                if (result.GetValue(memory) is not { } name) return 0;
                var mode = MemoryModes.Parse(name);
                bool? fits = plan.Fits(plan.For(mode));
                console.WriteLine(fits switch
                {
                    true => $"{mode.Name()} fits.",
                    false => $"{mode.Name()} does not fit; " + (plan.FastestFitting is { } other ? $"{other.Name()} does." : "no mode does."),
                    null => $"{mode.Name()} needs {MemoryPlan.Size(plan.For(mode).DevicePeak)} of device memory.",
                });
                return fits == false ? 1 : 0;
            }
            catch (Exception error) when (error is ArgumentException or InvalidDataException or IOException)
            {
                throw new UserErrorException(error.Message, error);
            }
        });
        return command;
    }

    // The planned shape is measured too where one forward of it fits in a few seconds and a small part of host memory.
    private const long MeasurableActivations = 1L << 30;

    private static string CheckTable(IReadOnlyList<ActivationCheck> checks) =>
        "Activations planned and measured on this CPU (2 sequences; the planned size first where it is small enough to run here, then shapes the fit has not seen):\n| width | tokens | planned | measured | error |\n|---:|---:|---:|---:|---:|\n" +
        string.Concat(checks.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"| {c.Width} | {c.Tokens} | {MemoryPlan.Size(c.Planned)} | {MemoryPlan.Size(c.Measured)} | {c.Error * 100:+0.0;-0.0;0.0}% |\n")));

    private static ModelShapes Shapes(DirectoryInfo? model, string? config)
    {
        if (model is not null) return ModelShapes.Read(ModelFolderOption.Resolve(model));
        // Only the configs are used: no tokenizer is read.
        var configs = RandomModelConfigs.Named(config!, tokenizerFolder: "");
        return new ModelShapes(configs.Transformer, configs.Vae, configs.TextEncoder, configs.Multimodal);
    }
}
