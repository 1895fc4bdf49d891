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
/// </summary>
public static class RandomLayeredModel
{
    public static LayeredModel Create(RandomModelConfigs configs, ScalarType dtype, Device device, ulong seed,
        TextEncoderResidency residency = TextEncoderResidency.KeepOnDevice)
    {
        using var generator = new Generator(seed);
        var vae = Filled(new AutoencoderKLQwenImage(configs.Vae, device, dtype), generator);
        LayeredDecompositionPipeline? pipeline = null;
        try
        {
            pipeline = new LayeredDecompositionPipeline(
                Filled(new QwenImageTransformer2DModel(configs.Transformer, device, dtype), generator), vae, configs.Scheduler, device);
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

    private static T Filled<T>(T module, Generator generator) where T : nn.Module
    {
        RandomWeights.Fill(module, generator);
        return module;
    }
}
