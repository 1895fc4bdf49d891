using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Memory;

/// <summary>
/// Plans every memory mode for a model: weights counted on models built on the meta device in each mode's layout (shapes
/// and dtypes only, nothing allocated), activations from an <see cref="ActivationFit"/> at the planned size.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>Text tokens planned for: a long prompt (the model reads at most 512).</summary>
    public const int DefaultTextTokens = 256;

    /// <param name="resolution">The working resolution (a square of that side).</param>
    /// <param name="rows">Sequences per forward: 2 with true CFG batched, times the jobs batched.</param>
    public static MemoryPlan Plan(ModelShapes shapes, ScalarType dtype, int resolution, int layers, long? deviceMemory, ActivationFit fit,
        int rows = 2, int textTokens = DefaultTextTokens)
    {
        var config = shapes.Transformer;
        // (layers + 2) frames: the composite, the layers and the condition image, one token per 2x2 latent patch.
        int side = resolution / shapes.Vae.SpatialCompression / config.PatchSize;
        long tokens = (long)(layers + 2) * side * side + textTokens;
        long activations = fit.Bytes(rows, tokens, config.InnerDim, dtype);
        long vae = Counted(new AutoencoderKLQwenImage(shapes.Vae, META, dtype));
        long textEncoder = Counted(new Qwen25VLTextModel(shapes.TextEncoder, META, dtype))
                           + (shapes.Captioning is { } captioning ? Counted(new Qwen25VLCaptionHead(captioning, META, dtype)) : 0);

        var rowsByMode = MemoryModes.All.Select(mode =>
        {
            var (device, host) = TransformerBytes(config, dtype, mode);
            bool resident = mode == MemoryMode.Resident;
            long peak = device + vae + (resident ? textEncoder + activations : Math.Max(textEncoder, activations));
            return new MemoryPlanRow(mode, device, vae, activations, textEncoder, peak, host + (resident ? 0 : textEncoder));
        }).ToList();
        string setting = $"Memory plan: {resolution}x{resolution}, {layers} layers, {rows} sequences a step (CFG), {textTokens} text tokens, {dtype}";
        return new MemoryPlan(rowsByMode, deviceMemory, setting);
    }

    // (device, host) bytes of the transformer laid out for the mode.
    private static (long Device, long Host) TransformerBytes(QwenImageTransformerConfig config, ScalarType dtype, MemoryMode mode)
    {
        using var model = new QwenImageTransformer2DModel(config, META, dtype, new TransformerLayout(mode.TransformerBlocks(), META));
        long blocks = model.Blocks.Sum(Bytes);
        long outside = Bytes(model) - blocks;
        return mode == MemoryMode.Streamed ? (outside + model.StreamSlots.Sum(Bytes), blocks) : (outside + blocks, 0);
    }

    private static long Bytes(nn.Module module) => module.state_dict().Values.Sum(t => t.numel() * t.ElementSize);

    // A module built only to be counted: counted, then disposed.
    private static long Counted(nn.Module module)
    {
        using (module) return Bytes(module);
    }
}
