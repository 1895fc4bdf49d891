using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.RandomModels;

/// <summary>
/// A complete layered model with seeded random weights, built in memory: every module is constructed in the target
/// dtype on the target device and filled there, so a full-size model needs no 40 GB folder and no host copy of it.
/// In a quantized or streamed memory mode each transformer block is filled and finished as it is built (so the weights
/// differ from a resident model of the same seed: the blocks draw first).
/// </summary>
public static class RandomLayeredModel
{
    public static LayeredModel Create(RandomModelConfigs configs, ScalarType dtype, Device device, ulong seed,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice, MemoryMode memory = MemoryModes.Default)
    {
        using var generator = new Generator(seed);
        var vae = Filled(new AutoencoderKLQwenImage(configs.Vae, device, dtype), generator);
        LayeredDecompositionPipeline? pipeline = null;
        try
        {
            pipeline = new LayeredDecompositionPipeline(Transformer(configs.Transformer, dtype, device, memory, generator), vae, configs.Scheduler, device);
            // The text encoder is built on first use, like a loaded one; its own seed keeps it independent of that order.
            var prompts = new PromptEncoder(QwenTokenizer.FromFolder(configs.TokenizerFolder), new ResidentLanguageModel(() =>
            {
                using var textGenerator = new Generator(seed + 1);
                return Filled(new Qwen25VLTextModel(configs.TextEncoder, device, dtype), textGenerator);
            }, device, residency));
            // Benchmarks pass prompts, so no captioner (it would add the vision tower and lm_head).
            return new LayeredModel(pipeline, prompts, captioner: null, "random-weights", ModelProfile.Published);
        }
        catch
        {
            if (pipeline is null) vae.Dispose();
            else pipeline.Dispose();
            throw;
        }
    }

    private static QwenImageTransformer2DModel Transformer(QwenImageTransformerConfig config, ScalarType dtype, Device device, MemoryMode memory,
        Generator generator)
    {
        var layout = new TransformerLayout(memory.TransformerBlocks(), device);
        if (layout.IsDense) return Filled(new QwenImageTransformer2DModel(config, device, dtype, layout), generator);
        var transformer = new QwenImageTransformer2DModel(config, device, dtype, layout, (_, block) => RandomWeights.Fill(block, generator));
        RandomWeights.Fill(transformer.named_children().Where(child => child.name != "transformer_blocks")
            .SelectMany(child => child.module.state_dict().Select(w => KeyValuePair.Create($"{child.name}.{w.Key}", w.Value))), generator);
        return transformer;
    }

    private static T Filled<T>(T module, Generator generator) where T : nn.Module
    {
        RandomWeights.Fill(module, generator);
        return module;
    }
}
