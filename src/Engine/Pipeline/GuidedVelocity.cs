using QwenLayered.Engine.Text;
using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// The transformer's velocity for the noisy frames, with true classifier-free guidance when a negative prompt is
/// given: both branches in one batched call (text right-padded and masked) or in two calls.
/// </summary>
internal sealed class GuidedVelocity : IDisposable
{
    private readonly QwenImageTransformer2DModel _transformer;
    private readonly IReadOnlyList<TokenGrid> _grids;
    private readonly DecompositionSettings _settings;
    private readonly Tensor _prompt;
    private readonly Tensor? _promptMask;
    private readonly Tensor? _negative;
    private readonly Tensor? _negativeMask;
    private readonly Tensor? _batchedText;
    private readonly Tensor? _batchedMask;

    public GuidedVelocity(QwenImageTransformer2DModel transformer, IReadOnlyList<TokenGrid> grids, PromptEmbedding prompt,
        PromptEmbedding? negative, DecompositionSettings settings, Device device)
    {
        _transformer = transformer;
        _grids = grids;
        _settings = settings;
        _prompt = prompt.Embeds.to(transformer.Dtype, device);
        _promptMask = prompt.Mask?.to(device);
        if (negative is null || settings.GuidanceScale <= 1f) return;
        _negative = negative.Embeds.to(transformer.Dtype, device);
        _negativeMask = negative.Mask?.to(device);
        if (settings.BatchGuidance) (_batchedText, _batchedMask) = PadAndStack(_prompt, _promptMask, _negative, _negativeMask);
    }

    public bool UsesGuidance => _negative is not null;

    /// <summary>
    /// Guided velocity [1, noisy tokens, C] for <paramref name="latents"/> [1, noisy tokens, C] at model timestep
    /// <paramref name="sigma"/> (t/1000, already in the latents' dtype).
    /// </summary>
    public Tensor Predict(Tensor latents, Tensor imageLatents, Tensor sigma, int step, PipelineTrace? trace)
    {
        using var scope = NewDisposeScope();
        long noisyTokens = latents.shape[1];
        var hidden = cat([latents, imageLatents], 1);
        trace?.Invoke($"step{step}.transformer_hidden_states", hidden);
        trace?.Invoke($"step{step}.transformer_timestep", sigma);

        Tensor conditional, unconditional;
        if (!UsesGuidance)
        {
            conditional = Forward(hidden, sigma, _prompt, _promptMask);
            trace?.Invoke($"step{step}.transformer_output_cond_full", conditional);
            var plain = conditional[.., ..(int)noisyTokens];
            trace?.Invoke($"step{step}.noise_pred_guided", plain);
            return plain.MoveToOuterDisposeScope();
        }
        if (_batchedText is not null)
        {
            var both = Forward(cat([hidden, hidden], 0), cat([sigma, sigma], 0), _batchedText, _batchedMask);
            (conditional, unconditional) = (both[..1], both[1..]);
        }
        else
        {
            conditional = Forward(hidden, sigma, _prompt, _promptMask);
            unconditional = Forward(hidden, sigma, _negative!, _negativeMask);
        }
        trace?.Invoke($"step{step}.transformer_output_cond_full", conditional);
        trace?.Invoke($"step{step}.transformer_output_uncond_full", unconditional);
        var guided = TrueClassifierFreeGuidance.Combine(
            conditional[.., ..(int)noisyTokens], unconditional[.., ..(int)noisyTokens], _settings.GuidanceScale, _settings.NormalizeGuidance);
        trace?.Invoke($"step{step}.noise_pred_guided", guided);
        return guided.MoveToOuterDisposeScope();
    }

    private Tensor Forward(Tensor hidden, Tensor sigma, Tensor text, Tensor? mask) => _transformer.forward(new QwenImageTransformerInput
    {
        HiddenStates = hidden,
        EncoderHiddenStates = text,
        EncoderHiddenStatesMask = mask,
        Timestep = sigma,
        ImageShapes = _grids,
        // The layered pipeline always conditions on an RGBA input (is_rgb = 0).
        AdditionalTCond = _transformer.Config.UseAdditionalTCond ? zeros(hidden.shape[0], dtype: ScalarType.Int64, device: hidden.device) : null,
    });

    // Right-pads the shorter text with zeros and masks the padding, so one call serves both branches; text RoPE
    // positions are index-based, so padding at the end changes nothing for the real tokens.
    private static (Tensor Text, Tensor? Mask) PadAndStack(Tensor prompt, Tensor? promptMask, Tensor negative, Tensor? negativeMask)
    {
        long length = Math.Max(prompt.shape[1], negative.shape[1]);
        bool padded = prompt.shape[1] != negative.shape[1] || promptMask is not null || negativeMask is not null;
        var text = cat([PadText(prompt, length), PadText(negative, length)], 0);
        if (!padded) return (text, null);
        var mask = cat([PadMask(promptMask, prompt, length), PadMask(negativeMask, negative, length)], 0);
        return (text, mask);
    }

    private static Tensor PadText(Tensor text, long length) =>
        nn.functional.pad(text, [0, 0, 0, length - text.shape[1]]);

    private static Tensor PadMask(Tensor? mask, Tensor text, long length) =>
        nn.functional.pad(mask?.to(ScalarType.Int64) ?? ones(text.shape[0], text.shape[1], dtype: ScalarType.Int64, device: text.device),
            [0, length - text.shape[1]]);

    public void Dispose()
    {
        foreach (var owned in new[] { _prompt, _promptMask, _negative, _negativeMask, _batchedText, _batchedMask })
            owned?.Dispose();
    }
}
