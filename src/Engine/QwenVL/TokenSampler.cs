using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Picks the next token from fp32 logits the way transformers' <c>generate</c> does: repetition penalty over every id
/// seen so far (prompt included), then argmax, or for sampling temperature, top-k and top-p before a seeded draw.
/// </summary>
internal sealed class TokenSampler(GenerationSettings settings) : IDisposable
{
    // A CPU generator, so the draw happens on the CPU whatever device the logits are on (see Runtime.SeededRandom).
    private readonly Generator? _generator = settings.DoSample ? new Generator(settings.Seed) : null;

    public long Next(Tensor logits, IReadOnlyCollection<long> seen)
    {
        using var scope = NewDisposeScope();
        var scores = Penalized(logits, seen);
        // top_k 1 (the published setting) leaves one candidate: no draw needed, and no RNG state to match.
        if (!settings.DoSample || settings.TopK == 1) return scores.argmax().item<long>();

        scores = scores / Kept(settings.Temperature);
        if (settings.TopK > 0 && settings.TopK < scores.shape[0])
            scores = scores.masked_fill(scores < scores.topk(settings.TopK).values[-1], Kept(double.NegativeInfinity));
        if (settings.TopP < 1)
        {
            var (sorted, order) = scores.sort(descending: false);
            var cumulative = sorted.softmax(-1).cumsum(-1);
            // Drop the low tail whose total stays within 1 - top_p, always keeping the most likely token.
            var drop = (cumulative <= Kept(1 - settings.TopP)).index_put_(tensor(false), tensor(new long[] { -1 }));
            scores = scores.index_put_(tensor(double.NegativeInfinity), order.masked_select(drop));
        }
        return multinomial(scores.softmax(-1).cpu(), 1, generator: _generator).item<long>();
    }

    private Tensor Penalized(Tensor logits, IReadOnlyCollection<long> seen)
    {
        if (settings.RepetitionPenalty == 1.0 || seen.Count == 0) return logits;
        var ids = tensor(seen.Distinct().ToArray(), device: logits.device);
        var picked = logits.index_select(0, ids);
        var penalized = where(picked < Kept(0), picked * Kept(settings.RepetitionPenalty), picked / Kept(settings.RepetitionPenalty));
        return logits.index_copy(0, ids, penalized);
    }

    public void Dispose() => _generator?.Dispose();
}
