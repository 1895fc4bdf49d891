using System.Text.Json.Nodes;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Parity;

/// <summary>How far one produced tensor is from the stored reference.</summary>
internal sealed record TensorComparison(string Name, double MaxAbsError, double RelativeError, double Atol, double Rtol, bool WithinTolerance);

/// <summary>
/// Runs one <c>transformer</c> fixture case: builds the model from <c>manifest.config</c>, strictly loads
/// <c>weights.safetensors</c>, feeds the stored inputs with the manifest's <c>img_shapes</c>, and compares the output and
/// every stored <c>intermediate.*</c> as it is produced. Everything is read from the case; nothing is assumed.
/// </summary>
internal static class TransformerFixtureCase
{
    public static IReadOnlyList<TensorComparison> Run(string caseFolder, ScalarType dtype, Device device)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(caseFolder, "manifest.json")))!;
        var config = QwenImageTransformerConfig.FromJson(manifest["config"]!.ToJsonString());
        var tolerances = new FixtureTolerances(manifest["tolerance"]!.AsObject());
        var grids = manifest["call"]!["kwargs"]!["img_shapes"]!.AsArray()[0]!.AsArray()
            .Select(g => new TokenGrid((int)g![0]!, (int)g[1]!, (int)g[2]!)).ToList();

        using var scope = NewDisposeScope();
        using var tensors = Checkpoint.Open(Path.Combine(caseFolder, "tensors.safetensors"));
        using var weights = Checkpoint.Open(Path.Combine(caseFolder, "weights.safetensors"));
        using var model = new QwenImageTransformer2DModel(config, device, dtype);
        model.LoadWeights(weights, dtype, device);

        Tensor? Optional(string name) =>
            tensors.Tensors.ContainsKey(name) ? tensors.Read(name, ScalarType.Float32, device) : null;

        var results = new List<TensorComparison>();
        void Compare(string name, Tensor actual)
        {
            string key = name == "output" ? name : "intermediate." + name;
            if (!tensors.Tensors.ContainsKey("output." + key)) return;
            using var expected = tensors.Read("output." + key, ScalarType.Float32, CPU);
            results.Add(Measure(key, actual, expected, tolerances.For(key)));
        }

        var output = model.forward(new QwenImageTransformerInput
        {
            HiddenStates = tensors.Read("input.hidden_states", ScalarType.Float32, device),
            EncoderHiddenStates = tensors.Read("input.encoder_hidden_states", ScalarType.Float32, device),
            EncoderHiddenStatesMask = Optional("input.encoder_hidden_states_mask"),
            Timestep = tensors.Read("input.timestep", ScalarType.Float32, device),
            AdditionalTCond = Optional("input.additional_t_cond")?.to(ScalarType.Int64),
            ImageShapes = grids,
            Observer = Compare,
        });
        Compare("output", output);

        var missing = manifest["outputs"]!.AsObject().Select(o => o.Key).Except(results.Select(r => r.Name)).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"{caseFolder}: the model produced no counterpart for {string.Join(", ", missing)}.");
        return results;
    }

    private static TensorComparison Measure(string name, Tensor actual, Tensor expected, (double Atol, double Rtol) tolerance)
    {
        using var scope = NewDisposeScope();
        var a = actual.to(ScalarType.Float32, CPU);
        if (!a.shape.SequenceEqual(expected.shape))
            throw new InvalidDataException($"{name}: produced {ShapeFormat.Of(a.shape)}, the reference is {ShapeFormat.Of(expected.shape)}.");
        var error = (a - expected).abs();
        bool within = error.le(tolerance.Atol + tolerance.Rtol * expected.abs()).all().item<bool>();
        double norm = expected.norm().item<float>();
        double relative = norm > 0 ? (a - expected).norm().item<float>() / norm : error.max().item<float>();
        return new TensorComparison(name, error.max().item<float>(), relative, tolerance.Atol, tolerance.Rtol, within);
    }
}
