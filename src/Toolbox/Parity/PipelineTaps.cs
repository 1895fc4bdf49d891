using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// The named intermediates of a one-job decomposition under the reference's names, read from the pipeline's
/// <see cref="IDecompositionObserver"/> and forward hooks on its transformer: <c>preprocessed_image</c>,
/// <c>vae_encode_mean</c>, <c>image_latents_packed</c>, <c>latents_init_packed</c>, <c>mu</c>, <c>input_sigmas</c>,
/// <c>scheduler_timesteps</c>, <c>scheduler_sigmas</c>, <c>additional_t_cond</c>, <c>step{i}.transformer_timestep</c>,
/// <c>step{i}.transformer_hidden_states</c>, <c>step{i}.transformer_output_cond_full</c>,
/// <c>step{i}.transformer_output_uncond_full</c>, <c>step{i}.noise_pred_guided</c>, <c>step{i}.scheduler_timestep</c>,
/// <c>step{i}.latents</c>, and after the run (<see cref="Finish"/>) <c>vae_decode_input</c>, <c>vae_decode_output</c>
/// and <c>output_images</c>. Each tensor is valid only during the call. Disposing detaches it from the pipeline.
/// </summary>
internal sealed class PipelineTaps : IDecompositionObserver, IDisposable
{
    private readonly LayeredDecompositionPipeline _pipeline;
    private readonly Action<string, Tensor> _tap;
    private readonly IDisposable _transformerHooks;
    private readonly List<Tensor> _decodeInputs = [];
    private readonly List<Tensor> _decodeOutputs = [];
    private int _conditionTokens;
    private float[] _scheduleTimesteps = [];
    private int _step;
    private int _callsThisStep;

    public PipelineTaps(LayeredDecompositionPipeline pipeline, Action<string, Tensor> tap)
    {
        _pipeline = pipeline;
        _tap = tap;
        pipeline.Observer = this;
        var transformer = pipeline.Transformer;
        var before = transformer.register_forward_pre_hook((_, input) => { TransformerInput(input); return input; });
        var after = transformer.register_forward_hook((_, _, output) => { TransformerOutput(output); return output; });
        _transformerHooks = new HookRemoval(before.remove, after.remove);
    }

    public void ConditionEncoded(Tensor image, Tensor posteriorMean, Tensor packed)
    {
        _conditionTokens = (int)packed.shape[1];
        _tap("preprocessed_image", image);
        _tap("vae_encode_mean", posteriorMean);
        _tap("image_latents_packed", packed);
    }

    public void SamplingStarts(Tensor latents, FlowMatchEulerScheduler schedule)
    {
        using var scope = NewDisposeScope();
        _tap("latents_init_packed", latents);
        _tap("mu", tensor(new[] { FlowMatchEulerScheduler.Mu(_conditionTokens) }));
        _tap("input_sigmas", tensor(FlowMatchEulerScheduler.LinearGrid(schedule.Timesteps.Length)));
        _tap("scheduler_timesteps", tensor(schedule.Timesteps));
        _tap("scheduler_sigmas", tensor(schedule.Sigmas));
        _scheduleTimesteps = schedule.Timesteps;
    }

    public void Stepped(int step, Tensor velocity, Tensor latents)
    {
        using var scope = NewDisposeScope();
        _tap($"step{step}.noise_pred_guided", velocity);
        _tap($"step{step}.scheduler_timestep", tensor(new[] { _scheduleTimesteps[step] }));
        _tap($"step{step}.latents", latents);
        (_step, _callsThisStep) = (step + 1, 0);
    }

    public void LayerDecoded(int layer, Tensor latents, Tensor image)
    {
        _decodeInputs.Add(latents.detach().clone().DetachFromDisposeScope());
        _decodeOutputs.Add(image.detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Reports what is known only once every layer is decoded: all layers' decoder inputs and outputs.</summary>
    public void Finish()
    {
        using var scope = NewDisposeScope();
        var decoded = cat(_decodeOutputs, 0);
        _tap("vae_decode_input", cat(_decodeInputs, 0));
        _tap("vae_decode_output", decoded.unsqueeze(2));
        // The reference's postprocess: [-1, 1] to [0, 1], channels last.
        _tap("output_images", (decoded.to(ScalarType.Float32) * Kept(0.5f)).Plus(Kept(0.5f)).clamp(Kept(0f), Kept(1f)).permute(0, 2, 3, 1));
    }

    // The first call of a step carries the conditional branch (alone, or batched before the unconditional one).
    private void TransformerInput(QwenImageTransformerInput input)
    {
        if (_callsThisStep > 0) return;
        if (_step == 0 && input.AdditionalTCond is { } additional)
            _tap("additional_t_cond", additional[..1].to(ScalarType.Float32));
        _tap($"step{_step}.transformer_hidden_states", input.HiddenStates[..1]);
        _tap($"step{_step}.transformer_timestep", input.Timestep[..1]);
    }

    // One job: a batched guidance call returns [conditional; unconditional], separate calls return them in turn.
    private void TransformerOutput(Tensor output)
    {
        if (output.shape[0] == 2)
        {
            _tap($"step{_step}.transformer_output_cond_full", output[..1]);
            _tap($"step{_step}.transformer_output_uncond_full", output[1..]);
        }
        else
        {
            _tap(_callsThisStep == 0 ? $"step{_step}.transformer_output_cond_full" : $"step{_step}.transformer_output_uncond_full", output);
        }
        _callsThisStep++;
    }

    public void Dispose()
    {
        _transformerHooks.Dispose();
        _pipeline.Observer = null;
        foreach (var tensor in _decodeInputs.Concat(_decodeOutputs)) tensor.Dispose();
    }
}
