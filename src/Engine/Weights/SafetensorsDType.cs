using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>The safetensors dtype names this engine reads and writes, and their torch equivalents.</summary>
internal static class SafetensorsDType
{
    private static readonly Dictionary<string, torch.ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["F32"] = torch.ScalarType.Float32,
        ["F16"] = torch.ScalarType.Float16,
        ["BF16"] = torch.ScalarType.BFloat16,
    };

    /// <summary>"F32, F16, BF16": for error messages.</summary>
    public static string Supported => string.Join(", ", ByName.Keys);

    public static bool TryParse(string name, out torch.ScalarType type) => ByName.TryGetValue(name, out type);

    public static string NameOf(torch.ScalarType type) =>
        ByName.FirstOrDefault(pair => pair.Value == type).Key
        ?? throw new ArgumentException($"dtype {type} cannot be stored in safetensors here; supported: {Supported}.", nameof(type));

    public static int SizeOf(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => 4,
        torch.ScalarType.Float16 or torch.ScalarType.BFloat16 => 2,
        _ => throw new ArgumentException($"dtype {type} is not one of {Supported}.", nameof(type)),
    };
}
