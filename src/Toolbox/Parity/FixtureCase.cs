using System.Text.Json;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// One case folder of a fixture set: <c>manifest.json</c>, <c>tensors.safetensors</c> (<c>input.*</c> and
/// <c>output.*</c>, all stored as F32) and, for modules, <c>weights.safetensors</c>. Everything a verifier needs
/// (config, call arguments, tolerances, output list) comes from here.
/// </summary>
public sealed class FixtureCase : IDisposable
{
    private readonly JsonDocument _manifest;
    private SafetensorsFile? _tensors;

    internal FixtureCase(string name, string component, string folder, JsonDocument manifest)
    {
        Name = name;
        Component = component;
        Folder = folder;
        _manifest = manifest;
    }

    public string Name { get; }

    public string Component { get; }

    public string Folder { get; }

    public string ManifestPath => Path.Combine(Folder, "manifest.json");

    public JsonElement Manifest => _manifest.RootElement;

    /// <summary>The module config as the reference held it (<c>manifest.config</c>).</summary>
    public JsonElement Config => Manifest.GetProperty("config");

    public string WeightsPath => Path.Combine(Folder, FileName("weights", "weights.safetensors"));

    public string TensorsPath => Path.Combine(Folder, FileName("tensors", "tensors.safetensors"));

    /// <summary>The names under <c>manifest.outputs</c>, in manifest order.</summary>
    public IReadOnlyList<string> OutputNames => Names("outputs");

    public IReadOnlyList<string> InputNames => Names("inputs");

    /// <summary>The stored input <c>input.{name}</c> as <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public Tensor Input(string name, ScalarType dtype, Device device) => Tensors.Read("input." + name, dtype, device);

    /// <summary>The reference output <c>output.{name}</c> in float32 on the CPU.</summary>
    public Tensor Expected(string name) => Tensors.Read("output." + name, ScalarType.Float32, CPU);

    /// <summary>Compares <paramref name="actual"/> with the stored reference under the manifest's rule for that output.</summary>
    public ParityResult Check(string output, Tensor actual)
    {
        if (!Tensors.Tensors.ContainsKey("output." + output))
            return ParityResult.Failure(Name, Component, output, $"{TensorsPath} has no tensor 'output.{output}'");
        // An output the manifest gives no tolerance for (an integer flag, say) must match exactly.
        var tolerance = (Manifest.TryGetProperty("tolerance", out var rules) ? Tolerance.Resolve(rules, output) : null) ?? Tolerance.Exact;
        using var expected = Expected(output);
        return ToleranceCheck.Compare(Name, Component, output, actual, expected, tolerance);
    }

    /// <summary>
    /// One result per manifest output, in manifest order: the check made when the output was produced, or a failure
    /// for an output that never was.
    /// </summary>
    public ParityResult[] InManifestOrder(IReadOnlyDictionary<string, ParityResult> checkedOutputs) =>
        [.. OutputNames.Select(name => checkedOutputs.TryGetValue(name, out var result)
            ? result
            : ParityResult.Failure(Name, Component, name, $"the {Component} verifier does not produce this output"))];

    /// <summary>Checks each produced tensor the manifest lists; results as <see cref="InManifestOrder"/> gives them.</summary>
    public ParityResult[] CheckProduced(IReadOnlyDictionary<string, Tensor> produced) =>
        InManifestOrder(produced.Where(p => OutputNames.Contains(p.Key)).ToDictionary(p => p.Key, p => Check(p.Key, p.Value)));

    /// <summary>For trace callbacks: checks <paramref name="value"/> now (it may not outlive the call) when the manifest lists it.</summary>
    public void CheckIfListed(string output, Tensor value, IDictionary<string, ParityResult> into)
    {
        if (OutputNames.Contains(output)) into[output] = Check(output, value);
    }

    public void Dispose()
    {
        _tensors?.Dispose();
        _manifest.Dispose();
    }

    private SafetensorsFile Tensors => _tensors ??= SafetensorsFile.Open(TensorsPath);

    private string FileName(string key, string fallback) =>
        Manifest.TryGetProperty("files", out var files) && files.TryGetProperty(key, out var file) && file.ValueKind == JsonValueKind.String
            ? file.GetString()!
            : fallback;

    private string[] Names(string section) =>
        Manifest.TryGetProperty(section, out var entries) && entries.ValueKind == JsonValueKind.Object
            ? [.. entries.EnumerateObject().Select(entry => entry.Name)]
            : [];
}
