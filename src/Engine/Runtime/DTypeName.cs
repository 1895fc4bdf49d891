using static TorchSharp.torch;

namespace QwenLayered.Engine.Runtime;

/// <summary>The compute dtypes the engine accepts by name on the command line and in settings.</summary>
public static class DTypeName
{
    /// <summary>The default compute dtype of a device: bf16 on CUDA, fp32 on the CPU (where bf16 is slow).</summary>
    public static string DefaultFor(Device device) => device.type == TorchSharp.DeviceType.CUDA ? "bf16" : "fp32";

    /// <summary><paramref name="name"/>'s dtype, or the device's default when it is empty.</summary>
    public static ScalarType ParseOrDefault(string name, Device device) => Parse(name == "" ? DefaultFor(device) : name);

    public static ScalarType Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "fp32" or "float32" or "f32" => ScalarType.Float32,
        "bf16" or "bfloat16" => ScalarType.BFloat16,
        "fp16" or "float16" or "f16" or "half" => ScalarType.Float16,
        _ => throw new ArgumentException($"Unknown dtype '{name}'. Use fp32, bf16 or fp16.", nameof(name)),
    };
}
