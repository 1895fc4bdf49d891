using QwenLayered.Engine.Runtime;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// A first-block residual cache over the steps of one sampling run: each transformer call runs its first block; when
/// that block's residual (output − input) differs from the one of the last fully computed step by less than
/// <see cref="Threshold"/> (relative L1 distance), the call adds the remaining blocks' residual cached at that step
/// instead of running them. The first call of a step decides for every call of that step (the guidance branches, the
/// prediction without the image), so the branches of one step are computed alike; each call in a step's order keeps
/// its own residuals. The first <see cref="FullSteps"/> steps always run in full. Deciding reads one number back from
/// the device each step. Call <see cref="NextStep"/> before each step's calls.
/// </summary>
public sealed class StepCache(float threshold, int fullSteps) : IDisposable
{
    private readonly List<CallResiduals> _calls = [];
    private int _step = -1;
    private int _call;
    private int _lastFullStep = -1;
    private bool _reuse;
    private CallResiduals? _running;

    /// <summary>The largest relative L1 change of the first block's residual that still reuses the cached remainder.</summary>
    public float Threshold { get; } = threshold;

    /// <summary>Steps at the start that always run every block.</summary>
    public int FullSteps { get; } = fullSteps;

    /// <summary>Steps begun so far.</summary>
    public int Steps => _step + 1;

    /// <summary>Steps whose calls skipped the blocks after the first.</summary>
    public int CachedSteps { get; private set; }

    /// <summary>Starts the next sampling step: its first transformer call decides whether the step reuses the cache.</summary>
    public void NextStep()
    {
        _step++;
        _call = 0;
    }

    /// <summary>
    /// Called by the transformer with its first block's <paramref name="input"/> and <paramref name="output"/> image
    /// streams: the image stream after the last block when the cached remainder is reused, else null (run the rest).
    /// </summary>
    internal Tensor? AfterFirstBlock(Tensor input, Tensor output)
    {
        if (_step < 0) throw new InvalidOperationException("Call StepCache.NextStep before the step's transformer calls.");
        if (_call == _calls.Count) _calls.Add(new CallResiduals());
        var call = _calls[_call];
        bool decides = _call++ == 0;
        var firstResidual = output - input;
        if (decides)
        {
            _reuse = _step >= FullSteps && call.FirstBlock is { } previous && RelativeL1(firstResidual, previous) < Threshold;
            if (_reuse) CachedSteps++;
            else _lastFullStep = _step;
        }
        if (_reuse && call.ComputedAt == _lastFullStep && call.Remainder is { } remainder)
        {
            _running = null;
            return output.Plus(remainder);
        }
        call.Start(decides ? firstResidual : null, output, _step);
        _running = call;
        return null;
    }

    /// <summary>Called by the transformer with the image stream after its last block: a full call keeps the remainder's residual.</summary>
    internal void AfterLastBlock(Tensor output)
    {
        _running?.Finish(output);
        _running = null;
    }

    // mean |a − b| / mean |b|, in fp32 whatever the model's dtype; one read-back.
    private static float RelativeL1(Tensor current, Tensor previous)
    {
        using var scope = NewDisposeScope();
        var reference = previous.to(ScalarType.Float32);
        return ((current.to(ScalarType.Float32) - reference).abs().mean() / reference.abs().mean()).item<float>();
    }

    public void Dispose()
    {
        foreach (var call in _calls) call.Dispose();
        _calls.Clear();
    }

    /// <summary>What one call of a step (by its place in the step's order) kept from its last full computation.</summary>
    private sealed class CallResiduals : IDisposable
    {
        private Tensor? _firstOutput;
        private int _startedAt;

        /// <summary>The first block's residual at <see cref="ComputedAt"/>; kept only by the call that decides.</summary>
        public Tensor? FirstBlock { get; private set; }

        /// <summary>The last block's output minus the first block's, at <see cref="ComputedAt"/>.</summary>
        public Tensor? Remainder { get; private set; }

        public int ComputedAt { get; private set; } = -1;

        public void Start(Tensor? firstResidual, Tensor firstOutput, int step)
        {
            if (firstResidual is not null)
            {
                FirstBlock?.Dispose();
                FirstBlock = firstResidual.DetachFromDisposeScope();
            }
            // An alias: the transformer frees its own handle on the first block's output when the next block replaces it.
            _firstOutput = firstOutput.alias();
            _startedAt = step;
        }

        public void Finish(Tensor lastOutput)
        {
            Remainder?.Dispose();
            Remainder = (lastOutput - _firstOutput!).DetachFromDisposeScope();
            ComputedAt = _startedAt;
            _firstOutput = null;
        }

        public void Dispose()
        {
            FirstBlock?.Dispose();
            Remainder?.Dispose();
        }
    }
}
