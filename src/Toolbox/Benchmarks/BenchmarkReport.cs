using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QwenLayered.Toolbox.Benchmarks;

/// <summary>
/// What one <c>qwenlayered bench</c> run measured. Times are seconds of wall clock, each read after waiting for the
/// device; memory in bytes. The JSON uses these names in snake_case; <see cref="Schema"/> changes when they do.
/// </summary>
public sealed record BenchmarkReport
{
    public string Schema { get; init; } = "qwenlayered-bench/1";
    public required string Model { get; init; }
    public required string Device { get; init; }
    public string? DeviceName { get; init; }
    public required string Dtype { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required int Layers { get; init; }
    public required int Steps { get; init; }
    public required bool Guidance { get; init; }
    public required bool BatchGuidance { get; init; }
    public required int Batch { get; init; }
    public required int PreviewEverySteps { get; init; }

    /// <summary>Parameters per component (counted on the meta device); null for a model folder.</summary>
    public IReadOnlyDictionary<string, long>? Parameters { get; init; }

    public required double LoadSeconds { get; init; }
    public double? WarmupSeconds { get; init; }
    /// <summary>Encoding the batch's new prompts (a cache miss).</summary>
    public required double TextEncodingSeconds { get; init; }
    /// <summary>Encoding one prompt again (a cache hit).</summary>
    public required double TextEncodingCachedSeconds { get; init; }
    public required double VaeEncodeSeconds { get; init; }
    /// <summary>Median seconds of one sampling step (all jobs of the batch) with guidance on and off; null if not run.</summary>
    public double? StepSecondsGuided { get; init; }
    public double? StepSecondsUnguided { get; init; }
    public required double SamplingSeconds { get; init; }
    public required double VaeDecodeSecondsPerLayer { get; init; }
    /// <summary>From the request to the last layer: text encoding, VAE encode, sampling with previews, decoding.</summary>
    public required double EndToEndSeconds { get; init; }
    public required double SecondsPerJob { get; init; }
    public double? TimeToFirstPreviewSeconds { get; init; }

    public long? PeakHostRssBytes { get; init; }
    /// <summary>Peak device memory in use (NVML: CUDA context plus the caching allocator's reserve); null on the CPU.</summary>
    public long? PeakDeviceMemoryBytes { get; init; }
    public long? DeviceMemoryBaselineBytes { get; init; }

    /// <summary>Image tokens of one sequence: (layers + 2) frames of (latent h/2)·(latent w/2).</summary>
    public required long ImageTokensPerSequence { get; init; }
    public required long TextTokens { get; init; }
    /// <summary>Sequences in one step's forward(s): jobs, times two with guidance.</summary>
    public required int SequencesPerStep { get; init; }
    public required long TokensPerStep { get; init; }

    public required IReadOnlyDictionary<string, string> Machine { get; init; }
    public required string MeasuredAt { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>A two-column text table of the figures, for the console.</summary>
    public string ToTable()
    {
        var rows = new List<(string, string)>
        {
            ("model", $"{Model} ({Dtype} on {Device}{(DeviceName is null ? "" : ", " + DeviceName)})"),
            ("shape", $"{Width}x{Height}, {Layers} layers, {Steps} steps, guidance {(Guidance ? "on" : "off")}{(Guidance ? BatchGuidance ? " (batched)" : " (two calls)" : "")}, batch {Batch}"),
            ("tokens per step", $"{TokensPerStep} ({SequencesPerStep} x ({ImageTokensPerSequence} image + {TextTokens} text))"),
            ("load", Seconds(LoadSeconds)),
            ("warm-up (1 step)", Seconds(WarmupSeconds)),
            ("text encoding (new / cached)", $"{Seconds(TextEncodingSeconds)} / {Seconds(TextEncodingCachedSeconds)}"),
            ("VAE encode", Seconds(VaeEncodeSeconds)),
            ("step, guided (median)", Seconds(StepSecondsGuided)),
            ("step, unguided (median)", Seconds(StepSecondsUnguided)),
            ("sampling", Seconds(SamplingSeconds)),
            ("VAE decode per layer", Seconds(VaeDecodeSecondsPerLayer)),
            ("time to first preview", Seconds(TimeToFirstPreviewSeconds)),
            ("end to end", Seconds(EndToEndSeconds)),
            ("per job", Seconds(SecondsPerJob)),
            ("peak host RSS", Bytes(PeakHostRssBytes)),
            ("peak device memory", PeakDeviceMemoryBytes is null ? "n/a (CPU, or no NVML)" : $"{Bytes(PeakDeviceMemoryBytes)} (baseline {Bytes(DeviceMemoryBaselineBytes)})"),
        };
        if (Parameters is not null)
            rows.Add(("parameters", string.Join(", ", Parameters.Select(p => $"{p.Key} {p.Value / 1e6:F1}M"))));
        int width = rows.Max(r => r.Item1.Length);
        var table = new StringBuilder();
        foreach (var (name, value) in rows) table.AppendLine(CultureInfo.InvariantCulture, $"{name.PadRight(width)}  {value}");
        return table.ToString();
    }

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "-";

    private static string Bytes(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB" : "-";
}
