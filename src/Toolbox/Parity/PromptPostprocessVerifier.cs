using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>prompt_postprocess</c> cases: for every run of <c>call.runs</c>, the stored tokenizer mask and text-encoder hidden
/// state go through <see cref="PromptPostprocess"/>; <c>run{r}.get_qwen_prompt_embeds.*</c> and
/// <c>run{r}.encode_prompt.*</c> are compared, and an <c>encode_prompt.mask</c> the reference dropped must be null here.
/// </summary>
public sealed class PromptPostprocessVerifier() : ComponentVerifier("prompt_postprocess")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var runs = fixture.Manifest.GetProperty("call").GetProperty("runs").EnumerateArray().ToList();
        int dropTokens = DropTokens(fixture);
        var produced = new Dictionary<string, Tensor?>();
        for (int r = 0; r < runs.Count; r++)
        {
            var mask = fixture.Input($"run{r}.tokenizer_attention_mask", ScalarType.Int64, device);
            var hidden = fixture.Input($"run{r}.text_encoder_last_hidden_state", dtype, device);
            var (embeds, keptMask) = PromptPostprocess.SelectPromptTokens(hidden, mask, dropTokens);
            var final = PromptPostprocess.Truncate(embeds, keptMask, runs[r].GetProperty("max_sequence_length").GetInt32());
            produced[$"run{r}.get_qwen_prompt_embeds.prompt_embeds"] = embeds;
            produced[$"run{r}.get_qwen_prompt_embeds.mask"] = keptMask;
            produced[$"run{r}.encode_prompt.prompt_embeds"] = final.Embeds;
            produced[$"run{r}.encode_prompt.mask"] = final.Mask;
        }

        var results = new List<ParityResult>();
        foreach (string output in fixture.OutputNames)
        {
            results.Add(produced.TryGetValue(output, out var tensor) && tensor is not null
                ? fixture.Check(output, tensor)
                : ParityResult.Failure(fixture.Name, Component, output,
                    tensor is null && produced.ContainsKey(output) ? "the mask is null here (all ones) but the reference kept one"
                        : "the prompt_postprocess verifier does not produce this output"));
        }
        foreach (var (output, tensor) in produced)
        {
            if (tensor is not null && output.EndsWith(".encode_prompt.mask", StringComparison.Ordinal) && !fixture.OutputNames.Contains(output))
                results.Add(ParityResult.Failure(fixture.Name, Component, output, "the reference turned this mask into None (all ones) but it is kept here"));
        }
        return results;
    }

    // The manifest names the reference's drop index; it must be the one this port hard-codes.
    private static int DropTokens(FixtureCase fixture)
    {
        var key = fixture.Config.EnumerateObject().FirstOrDefault(p => p.Name.StartsWith("prompt_template_encode_start_idx", StringComparison.Ordinal));
        int reference = key.Value.ValueKind == System.Text.Json.JsonValueKind.Number ? key.Value.GetInt32() : PromptTemplate.DropTokens;
        return reference == PromptTemplate.DropTokens ? reference
            : throw new InvalidDataException($"{fixture.ManifestPath}: drop index {reference} differs from the port's {PromptTemplate.DropTokens}.");
    }
}
