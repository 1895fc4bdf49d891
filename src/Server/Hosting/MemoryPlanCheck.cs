using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// At startup, before the model loads: plans the configured model's memory at its default resolution and layer count,
/// logs the plan, and refuses a memory mode that cannot fit the device (when its memory is known: Engine:DeviceMemory).
/// </summary>
internal static partial class MemoryPlanCheck
{
    /// <exception cref="ServerConfigurationException">The memory mode or size is not valid, or the mode does not fit.</exception>
    public static void Run(EngineOptions engine, ILogger logger)
    {
        MemoryMode mode;
        long? deviceMemory;
        try
        {
            mode = MemoryModes.Parse(engine.Memory);
            deviceMemory = string.IsNullOrWhiteSpace(engine.DeviceMemory) ? null : MemoryPlan.ParseSize(engine.DeviceMemory);
        }
        catch (ArgumentException error)
        {
            throw new ServerConfigurationException($"{error.Message} (Engine:Memory, Engine:DeviceMemory)");
        }
        if (string.IsNullOrWhiteSpace(engine.Model)) return;

        bool onCpu = engine.Devices().DefaultIfEmpty("auto")
            .All(d => ComputeDevice.Resolve(d, TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0) == "cpu");
        if (deviceMemory is null)
        {
            LogNotChecked(logger, mode.Name(), onCpu
                ? "the engine runs on the CPU, in host memory"
                : "the device's memory is not known; set Engine:DeviceMemory (for example 24GiB) to plan against it");
            return;
        }
        if (ActivationFit.OnThisMachine is not { } fit)
        {
            LogNotChecked(logger, mode.Name(), "activation memory cannot be measured on this system (it needs Linux with glibc)");
            return;
        }

        var profile = ModelProfile.Read(engine.Model);
        var dtype = DTypeName.Parse(engine.Dtype == "" ? (onCpu ? "fp32" : "bf16") : engine.Dtype);
        var plan = MemoryPlanner.Plan(ModelShapes.Read(engine.Model), dtype, profile.DefaultResolution, DecompositionPolicy.DefaultLayers, deviceMemory, fit);
        LogPlan(logger, plan.ToTable());
        var row = plan.For(mode);
        if (plan.Fits(row) == true) return;
        string instead = plan.FastestFitting is { } fitting ? $"start with --memory {fitting.Name()}, which needs {MemoryPlan.Size(plan.For(fitting).DevicePeak)}"
            : "no memory mode fits it; use a larger device";
        throw new ServerConfigurationException($"Memory mode {mode.Name()} needs {MemoryPlan.Size(row.DevicePeak)} of device memory, more than the " +
                                               $"{MemoryPlan.Size(deviceMemory.Value)} of Engine:DeviceMemory: {instead}.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Memory mode {Mode}; memory plan not checked: {Reason}")]
    private static partial void LogNotChecked(ILogger logger, string mode, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Plan}")]
    private static partial void LogPlan(ILogger logger, string plan);
}
