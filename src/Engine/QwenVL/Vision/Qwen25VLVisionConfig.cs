using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The <c>vision_config</c> of a Qwen2.5-VL <c>config.json</c>: the windowed vision transformer and its patch merger.
/// Shape keys are required; the rest default to the published Qwen2.5-VL values.
/// </summary>
public sealed class Qwen25VLVisionConfig : IModelConfig
{
    [JsonPropertyName("depth"), JsonRequired] public int Depth { get; init; }
    [JsonPropertyName("hidden_size"), JsonRequired] public int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size"), JsonRequired] public int IntermediateSize { get; init; }
    [JsonPropertyName("num_heads"), JsonRequired] public int NumHeads { get; init; }
    [JsonPropertyName("out_hidden_size"), JsonRequired] public int OutHiddenSize { get; init; }
    [JsonPropertyName("fullatt_block_indexes"), JsonRequired] public int[] FullAttentionBlocks { get; init; } = [];
    [JsonPropertyName("patch_size")] public int PatchSize { get; init; } = 14;
    [JsonPropertyName("temporal_patch_size")] public int TemporalPatchSize { get; init; } = 2;
    [JsonPropertyName("spatial_merge_size")] public int SpatialMergeSize { get; init; } = 2;

    /// <summary>Window edge in pixels; 112 px is 4×4 merged tokens with the default patch and merge sizes.</summary>
    [JsonPropertyName("window_size")] public int WindowSize { get; init; } = 112;

    [JsonPropertyName("in_channels")] public int? InChannels { get; init; }

    /// <summary>The published 7B config spells the channel count <c>in_chans</c>.</summary>
    [JsonPropertyName("in_chans")] public int? InChans { get; init; }

    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    [JsonIgnore] public int Channels => InChannels ?? InChans ?? 3;

    [JsonIgnore] public int HeadDim => HiddenSize / NumHeads;

    /// <summary>Patches merged into one language-model token (<c>spatial_merge_size²</c>).</summary>
    [JsonIgnore] public int MergeUnit => SpatialMergeSize * SpatialMergeSize;

    /// <summary>Values in one flattened patch row: <c>channels · temporal · patch · patch</c>.</summary>
    [JsonIgnore] public int PatchVectorSize => Channels * TemporalPatchSize * PatchSize * PatchSize;

    /// <summary>Window edge in merged tokens.</summary>
    [JsonIgnore] public int MergedWindowSize => WindowSize / SpatialMergeSize / PatchSize;

    public void Validate()
    {
        if (HiddenAct != "silu")
            throw new InvalidDataException($"vision hidden_act '{HiddenAct}' is not supported: Qwen2.5-VL uses silu.");
        if (Depth <= 0 || HiddenSize <= 0 || IntermediateSize <= 0 || NumHeads <= 0 || OutHiddenSize <= 0)
            throw new InvalidDataException("vision depth, sizes and head count must be positive.");
        if (HiddenSize % NumHeads != 0 || HeadDim % 4 != 0)
            throw new InvalidDataException($"vision head_dim {HiddenSize}/{NumHeads} must be a whole multiple of 4 (2-D rotary over halves).");
        if (PatchSize <= 0 || TemporalPatchSize <= 0 || SpatialMergeSize <= 0 || Channels <= 0)
            throw new InvalidDataException("patch, temporal patch, merge sizes and channel count must be positive.");
        if (MergedWindowSize <= 0)
            throw new InvalidDataException($"window_size {WindowSize} is smaller than one merged token ({SpatialMergeSize * PatchSize} px).");
        if (FullAttentionBlocks.Any(index => index < 0 || index >= Depth))
            throw new InvalidDataException($"fullatt_block_indexes [{string.Join(", ", FullAttentionBlocks)}] must lie in 0..{Depth - 1}.");
    }
}
