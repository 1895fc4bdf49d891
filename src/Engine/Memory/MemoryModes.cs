using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Transformer;

namespace QwenLayered.Engine.Memory;

/// <summary>The memory modes' names on command lines and in configuration, and what each mode does with each component.</summary>
public static class MemoryModes
{
    public const MemoryMode Default = MemoryMode.Resident;

    private static readonly (MemoryMode Mode, string Name)[] Names =
    [
        (MemoryMode.Resident, "resident"),
        (MemoryMode.TextOffload, "text-offload"),
        (MemoryMode.Quantized, "quantized"),
        (MemoryMode.Streamed, "streamed"),
    ];

    /// <summary>Every mode, from the one needing the most device memory to the one needing the least.</summary>
    public static IReadOnlyList<MemoryMode> All { get; } = [.. Names.Select(n => n.Mode)];

    /// <summary>"resident, text-offload, quantized or streamed", for help and error messages.</summary>
    public static string Choices => string.Join(", ", Names[..^1].Select(n => n.Name)) + " or " + Names[^1].Name;

    public static string Name(this MemoryMode mode) => Names.Single(n => n.Mode == mode).Name;

    /// <summary>The mode named <paramref name="name"/> (its <see cref="Name"/> or the enum's own name, any case); empty is the default.</summary>
    /// <exception cref="ArgumentException">No mode has that name.</exception>
    public static MemoryMode Parse(string? name)
    {
        string wanted = (name ?? "").Trim();
        if (wanted == "") return Default;
        foreach (var (mode, modeName) in Names)
            if (string.Equals(wanted, modeName, StringComparison.OrdinalIgnoreCase) || string.Equals(wanted, mode.ToString(), StringComparison.OrdinalIgnoreCase))
                return mode;
        throw new ArgumentException($"Unknown memory mode '{name}'. Use {Choices}.");
    }

    /// <summary>How the transformer's blocks hold their weights in this mode.</summary>
    public static BlockWeights TransformerBlocks(this MemoryMode mode) => mode switch
    {
        MemoryMode.Quantized => BlockWeights.Int8,
        MemoryMode.Streamed => BlockWeights.Host,
        _ => BlockWeights.Dense,
    };

    /// <summary>
    /// Whether the transformer and the text encoder take turns on the device (<see cref="DeviceTurns"/>): in the text-offload
    /// and quantized modes, whose transformers are too large to share the device with the text encoder on the cards they
    /// are for. Resident keeps both; streamed keeps only the modules outside the blocks there (1.3 GiB published).
    /// </summary>
    public static bool TakesTurns(this MemoryMode mode) => mode is MemoryMode.TextOffload or MemoryMode.Quantized;

    /// <summary>
    /// Where the text encoder goes after each encoding in this mode: <paramref name="whenResident"/> in the resident mode
    /// (configurable there), else off the device (to the CPU, or unloaded when <paramref name="whenResident"/> says so).
    /// </summary>
    public static TextEncoderResidency TextEncoder(this MemoryMode mode, TextEncoderResidency whenResident = TextEncoderResidency.KeepOnDevice) =>
        mode == MemoryMode.Resident ? whenResident
        : whenResident == TextEncoderResidency.Unload ? TextEncoderResidency.Unload
        : TextEncoderResidency.MoveToCpu;
}
