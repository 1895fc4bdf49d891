namespace QwenLayered.Engine.Transformer;

/// <summary>Checks a <see cref="QwenImageTransformerInput"/> against the config before any compute.</summary>
internal static class TransformerInputCheck
{
    /// <summary>Returns (batch, image tokens, text tokens) or throws with the offending shape.</summary>
    public static (long Batch, long ImageLength, long TextLength) Shapes(QwenImageTransformerInput input, QwenImageTransformerConfig config)
    {
        var image = input.HiddenStates.shape;
        var text = input.EncoderHiddenStates.shape;
        if (image.Length != 3 || image[2] != config.InChannels)
            throw new ArgumentException($"hidden_states must be [B, S_img, {config.InChannels}], got {Show(image)}.", nameof(input));
        if (text.Length != 3 || text[0] != image[0] || text[2] != config.JointAttentionDim)
            throw new ArgumentException(
                $"encoder_hidden_states must be [{image[0]}, S_txt, {config.JointAttentionDim}], got {Show(text)}.", nameof(input));
        long gridTokens = input.ImageShapes.Sum(g => (long)g.Tokens);
        if (gridTokens != image[1])
            throw new ArgumentException(
                $"img_shapes [{string.Join(", ", input.ImageShapes)}] cover {gridTokens} tokens but hidden_states has {image[1]}.", nameof(input));
        if (input.Timestep.shape is not [var steps] || steps != image[0])
            throw new ArgumentException($"timestep must be [{image[0]}], got {Show(input.Timestep.shape)}.", nameof(input));
        if (input.EncoderHiddenStatesMask is { } mask && (mask.shape.Length != 2 || mask.shape[0] != text[0] || mask.shape[1] != text[1]))
            throw new ArgumentException($"encoder_hidden_states_mask must be [{text[0]}, {text[1]}], got {Show(mask.shape)}.", nameof(input));
        if (input.AdditionalTCond is { } cond && (cond.shape is not [var n] || n != image[0]))
            throw new ArgumentException($"additional_t_cond must be [{image[0]}], got {Show(cond.shape)}.", nameof(input));
        return (image[0], image[1], text[1]);
    }

    private static string Show(long[] shape) => $"[{string.Join(", ", shape)}]";
}
