using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// The constructor arguments of diffusers' <c>QwenImageTransformer2DModel</c> as stored in
/// <c>transformer/config.json</c>. Defaults are the reference defaults (plain Qwen-Image); the layered
/// checkpoint sets <see cref="UseLayer3DRope"/> and <see cref="UseAdditionalTCond"/>.
/// </summary>
public sealed record QwenImageTransformerConfig : IModelConfig
{
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 2;
    [JsonPropertyName("in_channels")] public int InChannels { get; init; } = 64;
    [JsonPropertyName("out_channels")] public int? OutChannels { get; init; } = 16;
    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 60;
    [JsonPropertyName("attention_head_dim")] public int AttentionHeadDim { get; init; } = 128;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 24;
    [JsonPropertyName("joint_attention_dim")] public int JointAttentionDim { get; init; } = 3584;
    [JsonPropertyName("guidance_embeds")] public bool GuidanceEmbeds { get; init; }
    [JsonPropertyName("axes_dims_rope")] public int[] AxesDimsRope { get; init; } = [16, 56, 56];
    [JsonPropertyName("zero_cond_t")] public bool ZeroCondT { get; init; }
    [JsonPropertyName("use_additional_t_cond")] public bool UseAdditionalTCond { get; init; }
    [JsonPropertyName("use_layer3d_rope")] public bool UseLayer3DRope { get; init; }

    /// <summary>Model width: heads times head dimension (3072 for the published model).</summary>
    [JsonIgnore] public int InnerDim => NumAttentionHeads * AttentionHeadDim;

    /// <summary>Channels per output token: a patch of <c>out_channels</c> (falls back to <c>in_channels</c>).</summary>
    [JsonIgnore] public int ProjOutChannels => PatchSize * PatchSize * (OutChannels ?? InChannels);

    /// <summary>The published Qwen-Image-Layered transformer (spec section 3.1).</summary>
    public static QwenImageTransformerConfig QwenImageLayered { get; } = new()
    {
        UseAdditionalTCond = true,
        UseLayer3DRope = true,
    };

    /// <summary>Throws <see cref="InvalidDataException"/> for values that cannot work or that this port does not implement.</summary>
    public void Validate()
    {
        if (ZeroCondT)
            throw new InvalidDataException("zero_cond_t (per-token modulation of Qwen-Image-Edit) is not implemented.");
        if (new[] { PatchSize, InChannels, OutChannels ?? 1, NumLayers, AttentionHeadDim, NumAttentionHeads, JointAttentionDim }.Any(v => v <= 0))
            throw new InvalidDataException("patch_size, in_channels, out_channels, num_layers, attention_head_dim, num_attention_heads and joint_attention_dim must be positive.");
        if (AxesDimsRope.Length != 3 || AxesDimsRope.Any(d => d <= 0 || d % 2 != 0))
            throw new InvalidDataException($"axes_dims_rope must be three positive even numbers, got [{string.Join(", ", AxesDimsRope)}].");
        if (AxesDimsRope.Sum() != AttentionHeadDim)
            throw new InvalidDataException(
                $"axes_dims_rope [{string.Join(", ", AxesDimsRope)}] must add up to attention_head_dim {AttentionHeadDim}.");
    }
}
