using QwenLayered.Engine.Guidance;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The transformer's velocity for the noisy frames of a batch of jobs, with true classifier-free guidance when negative
/// prompts are given: both branches in one batched call (texts right-padded and masked) or in two calls; then, where
/// the model has <see cref="ImageGuidance"/> and the noise level calls for it, extrapolated away from the prediction
/// without the image. With a step cache threshold, every call shares one <see cref="StepCache"/>, which the step's first
/// call decides for.
/// </summary>
internal sealed class GuidedVelocity : IDisposable
{
    private readonly QwenImageTransformer2DModel _transformer;
    private readonly IReadOnlyList<TokenGrid> _grids;
    private readonly DecompositionSettings _settings;
    private readonly ImageGuidance? _imageGuidance;
    private readonly Tensor _prompt;
    private readonly Tensor? _promptMask;
    private readonly Tensor? _negative;
    private readonly Tensor? _negativeMask;
    private readonly Tensor? _batchedText;
    private readonly Tensor? _batchedMask;
    private readonly StepCache? _stepCache;

    /// <param name="prompts">One per job.</param>
    /// <param name="negatives">One per job, or null for no guidance.</param>
    public GuidedVelocity(QwenImageTransformer2DModel transformer, IReadOnlyList<TokenGrid> grids, IReadOnlyList<PromptEmbedding> prompts,
        IReadOnlyList<PromptEmbedding>? negatives, DecompositionSettings settings, Device device, ImageGuidance? imageGuidance = null)
    {
        _transformer = transformer;
        _grids = grids;
        _settings = settings;
        _imageGuidance = imageGuidance;
        if (settings.StepCacheThreshold > 0) _stepCache = new StepCache(settings.StepCacheThreshold, DecompositionPolicy.StepCacheFullSteps);
        (_prompt, _promptMask) = TextBatch.Stack(prompts, transformer.Dtype, device);
        if (negatives is null || settings.GuidanceScale <= 1f) return;
        if (settings.BatchGuidance) (_batchedText, _batchedMask) = TextBatch.Stack([.. prompts, .. negatives], transformer.Dtype, device);
        else (_negative, _negativeMask) = TextBatch.Stack(negatives, transformer.Dtype, device);
    }

    public bool UsesGuidance => _negative is not null || _batchedText is not null;

    /// <summary>Steps so far that reused the step cache instead of running the blocks after the first.</summary>
    public int CachedSteps => _stepCache?.CachedSteps ?? 0;

    /// <summary>
    /// Guided velocity [N, noisy tokens, C] for <paramref name="latents"/> [N, noisy tokens, C] at model timestep
    /// <paramref name="sigma"/> [1] (t/1000, already in the latents' dtype), shared by the batch; <paramref name="noiseLevel"/>
    /// is the step's σ on the host, which decides whether image guidance applies. One call a sampling step: the step cache counts them.
    /// </summary>
    public Tensor Predict(Tensor latents, Tensor imageLatents, Tensor sigma, float noiseLevel)
    {
        using var scope = NewDisposeScope();
        _stepCache?.NextStep();
        int noisyTokens = (int)latents.shape[1];
        var hidden = cat([latents, imageLatents], 1);
        var timestep = sigma.expand(latents.shape[0]);

        var velocity = UsesGuidance ? PromptGuided(hidden, timestep, noisyTokens) : Forward(hidden, timestep, _prompt, _promptMask)[.., ..noisyTokens];
        if (_imageGuidance is { } imageGuidance && imageGuidance.AppliesAt(noiseLevel))
        {
            var withoutImage = cat([latents, zeros_like(imageLatents)], 1);
            var unconditional = Forward(withoutImage, timestep, _prompt, _promptMask)[.., ..noisyTokens];
            velocity = imageGuidance.Combine(velocity, unconditional);
        }
        return velocity.MoveToOuterDisposeScope();
    }

    private Tensor PromptGuided(Tensor hidden, Tensor timestep, int noisyTokens)
    {
        int jobs = (int)hidden.shape[0];
        Tensor conditional, unconditional;
        if (_batchedText is not null)
        {
            var both = Forward(cat([hidden, hidden], 0), cat([timestep, timestep], 0), _batchedText, _batchedMask);
            (conditional, unconditional) = (both[..jobs], both[jobs..]);
        }
        else
        {
            conditional = Forward(hidden, timestep, _prompt, _promptMask);
            unconditional = Forward(hidden, timestep, _negative!, _negativeMask);
        }
        return TrueClassifierFreeGuidance.Combine(
            conditional[.., ..noisyTokens], unconditional[.., ..noisyTokens], _settings.GuidanceScale, _settings.NormalizeGuidance);
    }

    private Tensor Forward(Tensor hidden, Tensor timestep, Tensor text, Tensor? mask) => _transformer.call(new QwenImageTransformerInput
    {
        HiddenStates = hidden,
        EncoderHiddenStates = text,
        EncoderHiddenStatesMask = mask,
        Timestep = timestep,
        ImageShapes = _grids,
        // The layered pipeline always conditions on an RGBA input (is_rgb = 0).
        AdditionalTCond = _transformer.Config.UseAdditionalTCond ? zeros(hidden.shape[0], dtype: ScalarType.Int64, device: hidden.device) : null,
        StepCache = _stepCache,
    });

    public void Dispose()
    {
        foreach (var owned in new[] { _prompt, _promptMask, _negative, _negativeMask, _batchedText, _batchedMask })
            owned?.Dispose();
        _stepCache?.Dispose();
    }
}
