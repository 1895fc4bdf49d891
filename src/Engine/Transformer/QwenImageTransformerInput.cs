using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>The arguments of <c>QwenImageTransformer2DModel.forward</c>, with diffusers' names and meanings.</summary>
public sealed class QwenImageTransformerInput
{
    /// <summary>Packed image tokens [B, S_img, in_channels]: the noisy frames, then the condition frame.</summary>
    public required Tensor HiddenStates { get; init; }

    /// <summary>Prompt embeddings [B, S_txt, joint_attention_dim].</summary>
    public required Tensor EncoderHiddenStates { get; init; }

    /// <summary>[B, S_txt], non-zero = valid token; null = every token valid. Only masks attention keys.</summary>
    public Tensor? EncoderHiddenStatesMask { get; init; }

    /// <summary>[B] sigma in [0, 1] (the pipeline's t/1000); rounded to the model dtype like the reference.</summary>
    public required Tensor Timestep { get; init; }

    /// <summary>The token grids of one sample (diffusers <c>img_shapes[0]</c>); the whole batch shares this layout.</summary>
    public required IReadOnlyList<TokenGrid> ImageShapes { get; init; }

    /// <summary>[B] integer row of <c>addition_t_embedding</c> (the pipeline passes 0); required when the config uses it.</summary>
    public Tensor? AdditionalTCond { get; init; }

    /// <summary>The sampling run's step cache, which may skip the blocks after the first; null runs every block.</summary>
    public StepCache? StepCache { get; init; }
}
