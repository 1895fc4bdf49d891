using System.Text.Json;
using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.Sampling;

/// <summary>The diffusers <c>scheduler_config.json</c> of a flow-matching Euler scheduler.</summary>
public sealed class SchedulerConfig : IModelConfig
{
    [JsonPropertyName("num_train_timesteps")] public int NumTrainTimesteps { get; init; } = 1000;
    [JsonPropertyName("shift")] public double Shift { get; init; } = 1.0;
    [JsonPropertyName("use_dynamic_shifting")] public bool UseDynamicShifting { get; init; }
    [JsonPropertyName("time_shift_type")] public string TimeShiftType { get; init; } = "exponential";
    [JsonPropertyName("invert_sigmas")] public bool InvertSigmas { get; init; }
    // false, or a number in the published configs; any number turns the terminal stretch on.
    [JsonPropertyName("shift_terminal")] public JsonElement? ShiftTerminal { get; init; }
    [JsonPropertyName("use_karras_sigmas")] public bool UseKarrasSigmas { get; init; }
    [JsonPropertyName("use_exponential_sigmas")] public bool UseExponentialSigmas { get; init; }
    [JsonPropertyName("use_beta_sigmas")] public bool UseBetaSigmas { get; init; }
    [JsonPropertyName("stochastic_sampling")] public bool StochasticSampling { get; init; }

    /// <summary>The published Qwen-Image-Layered scheduler: dynamic, linear time shift.</summary>
    public static SchedulerConfig QwenImageLayered { get; } = new() { UseDynamicShifting = true, TimeShiftType = "linear" };

    /// <summary>Refuses the options this engine does not implement, naming the option.</summary>
    public void Validate()
    {
        string? unsupported =
            InvertSigmas ? "invert_sigmas" :
            UseKarrasSigmas ? "use_karras_sigmas" :
            UseExponentialSigmas ? "use_exponential_sigmas" :
            UseBetaSigmas ? "use_beta_sigmas" :
            StochasticSampling ? "stochastic_sampling" :
            ShiftTerminal is { ValueKind: not (JsonValueKind.False or JsonValueKind.Null) } ? "shift_terminal" :
            TimeShiftType is not ("linear" or "exponential") ? $"time_shift_type \"{TimeShiftType}\"" :
            null;
        if (unsupported is not null)
            throw new InvalidDataException($"The scheduler option {unsupported} is not supported; Qwen-Image-Layered's own scheduler config does not use it.");
    }
}
