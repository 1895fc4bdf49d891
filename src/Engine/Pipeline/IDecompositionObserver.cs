using QwenLayered.Engine.Sampling;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Watches a decomposition at the edges of its stages, for parity checks and debugging; what happens inside the
/// transformer is watched with forward hooks on it instead. Each tensor is valid only during the call: copy what you keep.
/// </summary>
internal interface IDecompositionObserver
{
    /// <summary>The VAE's input images [N, C, 1, H, W], its posterior means and the condition frames packed as tokens.</summary>
    void ConditionEncoded(Tensor image, Tensor posteriorMean, Tensor packed) { }

    /// <summary>The starting noise [N, noisy tokens, C] and the schedule, before the first step.</summary>
    void SamplingStarts(Tensor latents, FlowMatchEulerScheduler schedule) { }

    /// <summary>A step's guided velocity and the latents it led to, both [N, noisy tokens, C].</summary>
    void Stepped(int step, Tensor velocity, Tensor latents) { }

    /// <summary>One layer's latents [1, z, 1, h, w] and its decoded image [1, C, H, W] in [-1, 1].</summary>
    void LayerDecoded(int layer, Tensor latents, Tensor image) { }
}
