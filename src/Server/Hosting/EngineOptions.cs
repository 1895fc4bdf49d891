using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.QwenVL.Language;

namespace QwenLayered.Server.Hosting;

/// <summary>How the engine runs (configuration section "Engine").</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>auto, cpu, cuda or cuda:N; several devices separated by commas get one model copy and one worker each.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>The diffusers model folder to serve; empty serves no model (Decompose is then UNAVAILABLE).</summary>
    public string Model { get; set; } = "";

    /// <summary>Compute dtype: bf16, fp16 or fp32; empty picks bf16 on CUDA and fp32 on the CPU (where bf16 is slow).</summary>
    public string Dtype { get; set; } = "";

    /// <summary>
    /// Where the text encoder (and the captioner's language model) goes after encoding: KeepOnDevice, MoveToCpu or
    /// Unload. The 7B text encoder is ~16.6 GB in bf16; keep it only where device memory allows.
    /// </summary>
    public TextEncoderResidency TextEncoder { get; set; } = TextEncoderResidency.KeepOnDevice;

    /// <summary>Memory mode (<see cref="MemoryModes"/>): resident, text-offload, quantized or streamed; empty is resident.
    /// Outside the resident mode the text encoder leaves the device between prompts whatever <see cref="TextEncoder"/> says
    /// (Unload still unloads).</summary>
    public string Memory { get; set; } = "";

    /// <summary>The device's memory ("24GiB", "48GB"); when set, startup refuses a memory mode whose plan does not fit it.</summary>
    public string DeviceMemory { get; set; } = "";

    /// <summary>
    /// Working area in pixels used instead of the requested resolution bucket; 0 uses the bucket. Only for tiny test
    /// models and CPU load checks, whose cost at 640x640 would drown what is being tested.
    /// </summary>
    public long WorkingArea { get; set; }

    /// <summary>
    /// The step cache's threshold for every job (<see cref="DecompositionSettings.StepCacheThreshold"/>): above 0, a step
    /// whose first transformer block barely changed skips the others. 0 (the default) runs every block every step.
    /// </summary>
    public float StepCacheThreshold { get; set; }

    /// <exception cref="ServerConfigurationException">The step cache threshold is negative or not a number.</exception>
    public void Validate()
    {
        if (!DecompositionPolicy.IsStepCacheThreshold(StepCacheThreshold))
            throw new ServerConfigurationException($"Engine:StepCacheThreshold is {StepCacheThreshold}; use 0 to run every transformer block every step, " +
                                                   "or a relative change such as 0.1.");
    }

    public IReadOnlyList<string> Devices() =>
        [.. Device.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
