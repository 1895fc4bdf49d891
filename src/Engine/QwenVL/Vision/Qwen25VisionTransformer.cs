using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// The Qwen2.5-VL vision tower (transformers <c>Qwen2_5_VisionTransformerPretrainedModel</c>): patch embedding, blocks
/// that attend within windows of merged tokens except those in <c>fullatt_block_indexes</c>, which attend over each
/// frame, and the patch merger. Tokens are regrouped by window before the blocks and put back in row-major merged-grid
/// order after the merger. Parameter names are the checkpoint's without <c>visual.</c>.
/// </summary>
internal sealed class Qwen25VisionTransformer : nn.Module
{
    private readonly VisionPatchEmbed patch_embed;
    private readonly ModuleList<VisionBlock> blocks;
    private readonly PatchMerger merger;
    private readonly Qwen25VLVisionConfig _config;

    public Qwen25VisionTransformer(Qwen25VLVisionConfig config, Device? device, ScalarType dtype) : base(nameof(Qwen25VisionTransformer))
    {
        _config = config;
        patch_embed = new VisionPatchEmbed(config, device, dtype);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Depth).Select(_ => new VisionBlock(config, device, dtype)).ToArray());
        merger = new PatchMerger(config, device, dtype);
        RegisterComponents();
    }

    /// <summary>
    /// Pixel rows <c>[patches, C·T·P·P]</c> of the images <paramref name="grids"/> → image embeddings
    /// <c>[tokens, out_hidden]</c>, each image's tokens row-major over its merged grid. <paramref name="trace"/> sees
    /// <c>patch_embeds</c>, <c>block_outputs</c> <c>[depth, patches, hidden]</c>, <c>merger_ln_q</c> (patch rows in
    /// pixel order) and <c>merger_fc1</c> (tokens in grid order), as the reference names them.
    /// </summary>
    public Tensor forward(Tensor pixelValues, IReadOnlyList<ImageGrid> grids, Action<string, Tensor>? trace = null)
    {
        long patches = grids.Sum(grid => (long)grid.Patches);
        if (pixelValues.shape[0] != patches)
            throw new ArgumentException($"pixel values have {pixelValues.shape[0]} rows; the image grids need {patches}.");

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = pixelValues.device;
        int unit = _config.MergeUnit;
        var windows = VisionWindows.For(grids, _config.SpatialMergeSize, _config.MergedWindowSize);
        var windowOrder = tensor(windows.WindowIndex, device: device);
        var gridOrder = windowOrder.argsort();

        var hidden = patch_embed.forward(pixelValues);
        trace?.Invoke("patch_embeds", hidden);
        hidden = ByToken(hidden, windowOrder, unit);
        var positions = ByToken(tensor(windows.RotaryPositions, device: device).view(-1, 2), windowOrder, unit);
        var (cos, sin) = VisionRotaryEmbedding.Tables(positions, _config.HeadDim);
        var windowMask = SegmentMask(windows.WindowBoundaries, device);
        var frameMask = SegmentMask(windows.FrameBoundaries, device);

        var blockOutputs = trace is null ? null : new List<Tensor>();
        for (int i = 0; i < blocks.Count; i++)
        {
            hidden = blocks[i].forward(hidden, cos, sin, _config.FullAttentionBlocks.Contains(i) ? frameMask : windowMask);
            blockOutputs?.Add(ByToken(hidden, gridOrder, unit));
        }
        if (blockOutputs is not null) trace!("block_outputs", stack(blockOutputs));

        var merged = merger.forward(hidden, trace is null ? null : (name, value) =>
            trace(name, ByToken(value, gridOrder, value.shape[0] == patches ? unit : 1)));
        return merged.index_select(0, gridOrder).MoveToOuterDisposeScope();
    }

    // Reorders rows in groups of `unit` consecutive rows (one merged token's patches) by a token permutation.
    private static Tensor ByToken(Tensor rows, Tensor order, int unit) =>
        rows.view(-1, unit, rows.shape[^1]).index_select(0, order).view(rows.shape);

    // Block-diagonal attention mask over the segments; null when one segment covers everything.
    private static Tensor? SegmentMask(long[] boundaries, Device device)
    {
        if (boundaries.Length <= 2) return null;
        var lengths = boundaries.Zip(boundaries.Skip(1), (start, end) => end - start).ToArray();
        var segment = repeat_interleave(arange(Kept(0), Kept(lengths.Length), Kept(1), device: device), tensor(lengths, device: device));
        return segment.unsqueeze(1).eq(segment.unsqueeze(0));
    }
}
