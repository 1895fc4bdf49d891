using System.Text.Json;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>transformer</c> cases: one forward of <c>QwenImageTransformer2DModel</c> built from the manifest config, with the
/// stored inputs and the manifest's <c>img_shapes</c>. The final output and every stored intermediate
/// (<c>intermediate.{name}</c>, names as <see cref="TransformerTaps"/> reads them) are checked as they
/// are produced; a manifest output the model never produced is a failure.
/// </summary>
public sealed class TransformerVerifier() : ComponentVerifier("transformer")
{
    private const string IntermediatePrefix = "intermediate.";

    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = ConfigFile.FromElement<QwenImageTransformerConfig>(fixture.ManifestPath, fixture.Config);
        using var model = new QwenImageTransformer2DModel(config, device, dtype);
        using (var checkpoint = Checkpoint.Open(fixture.WeightsPath)) model.LoadWeights(checkpoint, dtype, device);

        var checkedOutputs = new Dictionary<string, ParityResult>(StringComparer.Ordinal);
        using var taps = new TransformerTaps(model, (name, value) => fixture.CheckIfListed(IntermediatePrefix + name, value, checkedOutputs));
        Tensor? Optional(string name, ScalarType type) => fixture.InputNames.Contains(name) ? fixture.Input(name, type, device) : null;
        var output = model.call(new QwenImageTransformerInput
        {
            HiddenStates = fixture.Input("hidden_states", dtype, device),
            EncoderHiddenStates = fixture.Input("encoder_hidden_states", dtype, device),
            EncoderHiddenStatesMask = Optional("encoder_hidden_states_mask", ScalarType.Float32),
            // Stored as F32 like every fixture tensor; the model rounds it to its own dtype, as the reference does.
            Timestep = fixture.Input("timestep", ScalarType.Float32, device),
            AdditionalTCond = Optional("additional_t_cond", ScalarType.Float32)?.to(ScalarType.Int64),
            ImageShapes = ImageShapes(fixture),
        });
        fixture.CheckIfListed("output", output, checkedOutputs);
        return fixture.InManifestOrder(checkedOutputs);
    }

    /// <summary>
    /// <c>call.kwargs.img_shapes</c>: one list of (frames, height, width) per sample. Like the reference, the first
    /// sample's layout drives RoPE for the whole batch.
    /// </summary>
    private static TokenGrid[] ImageShapes(FixtureCase fixture)
    {
        var perSample = fixture.Manifest.GetProperty("call").GetProperty("kwargs").GetProperty("img_shapes");
        if (perSample.ValueKind != JsonValueKind.Array || perSample.GetArrayLength() == 0)
            throw new InvalidDataException($"{fixture.ManifestPath}: call.kwargs.img_shapes must be a non-empty list of per-sample grid lists.");
        return [.. perSample[0].EnumerateArray().Select(grid => new TokenGrid(grid[0].GetInt32(), grid[1].GetInt32(), grid[2].GetInt32()))];
    }
}
