using System.Globalization;
using System.Text;

namespace QwenLayered.Engine.Memory;

/// <summary>What one memory mode needs, in bytes.</summary>
/// <param name="TransformerWeights">The transformer's weights on the device (streamed: the modules outside the blocks and two block slots).</param>
/// <param name="VaeWeights">The VAE's weights, always on the device.</param>
/// <param name="Activations">One sampling step's transformer activations at the planned size.</param>
/// <param name="TextEncoder">The text encoder's weights (with the captioner's), on the device always or only while it encodes.</param>
/// <param name="DevicePeak">Weights plus the larger of what runs on them: resident, the text encoder and the activations
/// together; otherwise the text encoder while it encodes or the activations while sampling.</param>
/// <param name="Host">What stays in host memory: the offloaded text encoder and streamed blocks.</param>
public sealed record MemoryPlanRow(MemoryMode Mode, long TransformerWeights, long VaeWeights, long Activations, long TextEncoder,
    long DevicePeak, long Host);

/// <summary>A memory plan: every mode's needs for one model, size and layer count, and the device memory it was planned for.</summary>
public sealed record MemoryPlan(IReadOnlyList<MemoryPlanRow> Rows, long? DeviceMemory, string Setting)
{
    /// <summary>Whether the mode fits the device; null when the device's memory is not known.</summary>
    public bool? Fits(MemoryPlanRow row) => DeviceMemory is { } total ? row.DevicePeak <= total : null;

    public MemoryPlanRow For(MemoryMode mode) => Rows.Single(r => r.Mode == mode);

    /// <summary>The fastest mode that fits (the first in <see cref="MemoryModes.All"/>); null when none does or the memory is unknown.</summary>
    public MemoryMode? FastestFitting => Rows.FirstOrDefault(r => Fits(r) == true)?.Mode;

    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(Setting);
        text.AppendLine(DeviceMemory is { } total ? $"Device memory: {Size(total)}" : "Device memory: not known (give --device-memory)");
        text.AppendLine("| mode | transformer | VAE | activations | text encoder | device peak | host | fits |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in Rows)
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Mode.Name()} | {Size(row.TransformerWeights)} | {Size(row.VaeWeights)} | {Size(row.Activations)} | {Size(row.TextEncoder)}" +
                $"{(row.Mode == MemoryMode.Resident ? "" : " (while encoding)")} | {Size(row.DevicePeak)} | {Size(row.Host)} | {Fits(row) switch { true => "yes", false => "no", null => "?" }} |"));
        text.AppendLine("Activations are one step's transformer activations, fitted to peaks measured on this machine's CPU; the CUDA context " +
                        "(~0.5 GiB) and the allocator's slack come on top.");
        return text.ToString();
    }

    /// <summary>Bytes in GiB (or MiB below 1 GiB), two decimals.</summary>
    public static string Size(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F2} MiB");

    /// <summary>"24GiB", "48 GB", "81920MiB", "80g" and plain bytes; units of 1024 for GiB/MiB/G/M, 1000 for GB/MB.</summary>
    /// <exception cref="ArgumentException">Not a size.</exception>
    public static long ParseSize(string text)
    {
        string trimmed = text.Trim().Replace(" ", "", StringComparison.Ordinal);
        int split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1])) split--;
        long multiplier = trimmed[split..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KIB" => 1L << 10, "KB" => 1000,
            "M" or "MIB" => 1L << 20, "MB" => 1000_000,
            "G" or "GIB" => 1L << 30, "GB" => 1000_000_000,
            "T" or "TIB" => 1L << 40, "TB" => 1000_000_000_000,
            _ => 0,
        };
        if (multiplier == 0 || !double.TryParse(trimmed[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0)
            throw new ArgumentException($"'{text}' is not a memory size; write it like 24GiB, 48GB or 81920MiB.");
        return (long)(value * multiplier);
    }
}
