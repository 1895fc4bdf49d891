using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>text_encoder</c> cases: every stored <c>input.{run}input_ids</c> (with <c>input.{run}attention_mask</c> when the
/// case has one) runs through the Qwen2.5-VL text model; <c>{run}last_hidden_state</c> is compared on valid positions
/// only (padded slots are zeroed, as the reference stores them), <c>{run}rope_position_ids</c> exactly.
/// </summary>
public sealed class TextEncoderVerifier() : ComponentVerifier("text_encoder")
{
    private const string IdsSuffix = "input_ids";
    private const string HiddenSuffix = "last_hidden_state";
    private const string PositionsSuffix = "rope_position_ids";

    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = Qwen25VLTextConfig.FromElement(fixture.ManifestPath, fixture.Config);
        using var model = LoadModel(fixture, config, device, dtype);

        var results = new List<ParityResult>();
        foreach (string output in fixture.OutputNames)
        {
            string? run = RunOf(output, HiddenSuffix) ?? RunOf(output, PositionsSuffix);
            if (run is null || !fixture.InputNames.Contains(run + IdsSuffix))
            {
                results.Add(ParityResult.Failure(fixture.Name, Component, output, "the text_encoder verifier does not produce this output"));
                continue;
            }
            var ids = fixture.Input(run + IdsSuffix, ScalarType.Int64, device);
            var mask = fixture.InputNames.Contains(run + "attention_mask")
                ? fixture.Input(run + "attention_mask", ScalarType.Int64, device) : null;
            results.Add(output.EndsWith(HiddenSuffix, StringComparison.Ordinal)
                ? fixture.Check(output, ValidPositions(model.forward(ids, mask), mask))
                : fixture.Check(output, Qwen2RotaryEmbedding.Positions(ids, mask).unsqueeze(0).expand(3, -1, -1)));
        }
        return results;
    }

    private static Qwen25VLTextModel LoadModel(FixtureCase fixture, Qwen25VLTextConfig config, Device device, ScalarType dtype)
    {
        using var checkpoint = Checkpoint.Open(fixture.WeightsPath);
        return Qwen25VLTextModel.FromCheckpoint(config, checkpoint, dtype, device);
    }

    // The reference stores 0.0 at padded positions and compares only where the mask is 1.
    private static Tensor ValidPositions(Tensor hidden, Tensor? mask) =>
        mask is null ? hidden : hidden * mask.unsqueeze(-1).to(hidden.dtype);

    private static string? RunOf(string output, string suffix) =>
        output.EndsWith(suffix, StringComparison.Ordinal) ? output[..^suffix.Length] : null;
}
