using System.Diagnostics;
using QwenLayered.Engine.QwenVL.Language;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Autoregressive decoding after a multimodal prompt: one prompt pass, then one token at a time until a stop token
/// (not returned) or <see cref="GenerationSettings.MaxNewTokens"/>. With the KV cache each new token runs alone; without
/// it the whole sequence is recomputed each step (the same tokens, only slower; kept for checking the cache).
/// Cancellation is checked before every token.
/// </summary>
internal static class TokenGenerator
{
    public static IReadOnlyList<long> Generate(Qwen25VLCaptionModel model, MultimodalPrompt prompt, GenerationSettings settings,
        bool useCache = true, Action<CaptionProgress>? progress = null, CancellationToken cancellation = default)
    {
        settings.Validate();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var cache = useCache ? new KeyValueCache(model.Config.Text.NumHiddenLayers) : null;
        using var sampler = new TokenSampler(settings);
        var stop = settings.StopTokens.Select(id => (long)id).ToHashSet();
        var seen = new List<long>(prompt.Ids);
        var generated = new List<long>();
        var promptPositions = Qwen25VLCaptionModel.PromptPositions(prompt.Positions);

        cancellation.ThrowIfCancellationRequested();
        var logits = model.Step(prompt.Embeddings, promptPositions, cache).Logits;
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            long token = sampler.Next(logits, seen);
            if (stop.Contains(token)) break;
            generated.Add(token);
            seen.Add(token);
            progress?.Invoke(new CaptionProgress(generated.Count, settings.MaxNewTokens, clock.Elapsed));
            if (generated.Count == settings.MaxNewTokens) break;

            using var step = NewDisposeScope();
            var next = useCache
                ? model.Step(model.EmbedTokens([token]), Qwen25VLCaptionModel.PositionsAfter(prompt.Positions, seen.Count - 1, 1), cache)
                : model.Step(cat([prompt.Embeddings, model.EmbedTokens(generated)], dim: 1),
                    cat([promptPositions, Qwen25VLCaptionModel.PositionsAfter(prompt.Positions, prompt.Ids.Length, generated.Count)], dim: 2), null);
            logits.Dispose();
            logits = next.Logits.MoveToOuterDisposeScope();
        }
        return generated;
    }
}
