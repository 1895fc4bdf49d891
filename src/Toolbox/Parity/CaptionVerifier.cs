using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>caption</c> cases: the whole Qwen2.5-VL (vision tower, language model, <c>lm_head</c>) from the manifest's config
/// and the case weights, fed the stored ids (placeholders already expanded), pixel rows and grids → image embeddings,
/// M-RoPE positions and delta, the prompt's last hidden states, then greedy decoding with the KV cache for as many
/// tokens as the reference stored, each fed back, with every step's logits, hidden state and positions.
/// </summary>
public sealed class CaptionVerifier() : ComponentVerifier("caption")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var config = Qwen25VLConfig.FromElement(fixture.ManifestPath, fixture.Config);
        using var checkpoint = Checkpoint.Open(fixture.WeightsPath);
        using var language = Qwen25VLTextModel.FromCheckpoint(config.Text, checkpoint, dtype, device);
        using var head = Qwen25VLCaptionHead.FromCheckpoint(config, checkpoint, dtype, device);
        var model = new Qwen25VLCaptionModel(head, language);

        long[] ids = fixture.Input("input_ids", ScalarType.Int64, CPU).flatten().data<long>().ToArray();
        var grids = VisionVerifier.Grids(fixture.Input("image_grid_thw", ScalarType.Int64, CPU));
        var imageEmbeds = model.EncodeImages(fixture.Input("pixel_values", dtype, device), grids);
        using var prompt = model.Prepare(ids, imageEmbeds, grids);
        var promptPositions = Qwen25VLCaptionModel.PromptPositions(prompt.Positions);

        using var cache = new KeyValueCache(config.Text.NumHiddenLayers);
        using var sampler = new TokenSampler(GenerationSettings.Greedy());
        var (promptHidden, logits) = model.Step(prompt.Embeddings, promptPositions, cache);
        long count = fixture.Expected("generated_ids").shape[^1];
        var seen = new List<long>(ids);
        var stepLogits = new List<Tensor>();
        var stepHidden = new List<Tensor>();
        for (int step = 0; step < count; step++)
        {
            stepLogits.Add(logits);
            long token = sampler.Next(logits, seen);
            seen.Add(token);
            // Every generated token is fed back, the last one too: the reference stores its hidden state.
            (var hidden, logits) = model.Step(model.EmbedTokens([token]),
                Qwen25VLCaptionModel.PositionsAfter(prompt.Positions, seen.Count - 1, 1), cache);
            stepHidden.Add(hidden);
        }

        var produced = new Dictionary<string, Func<Tensor>>
        {
            ["image_embeds"] = () => imageEmbeds,
            ["rope_position_ids"] = () => promptPositions,
            ["rope_deltas"] = () => tensor(new[] { prompt.Positions.Delta }).view(1, 1),
            ["last_hidden_state"] = () => promptHidden,
            ["generated_ids"] = () => tensor(seen.Skip(ids.Length).ToArray()).unsqueeze(0),
            ["step_logits"] = () => stack(stepLogits),
            ["generated_last_hidden_state"] = () => cat(stepHidden, dim: 1),
            ["generated_position_ids"] = () => Qwen25VLCaptionModel.PositionsAfter(prompt.Positions, ids.Length, count),
        };
        return [.. fixture.OutputNames.Select(output => produced.TryGetValue(output, out var produce)
            ? fixture.Check(output, produce())
            : ParityResult.Failure(fixture.Name, Component, output, "the caption verifier does not produce this output"))];
    }
}
