using System.Text.Json;
using QwenLayered.Engine.Text;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Models;

/// <summary>
/// Writes a complete model folder in the published diffusers layout with seeded random weights, so tests and
/// benchmarks run the same loading and inference code as the real model without its weights.
/// </summary>
public static class RandomModelFolder
{
    public static void Write(string folder, RandomModelConfigs configs, ulong seed)
    {
        Directory.CreateDirectory(folder);
        WriteJson(Path.Combine(folder, "model_index.json"), new Dictionary<string, object>
        {
            ["_class_name"] = "QwenImageLayeredPipeline",
            ["scheduler"] = new[] { "diffusers", "FlowMatchEulerDiscreteScheduler" },
            ["text_encoder"] = new[] { "transformers", "Qwen2_5_VLForConditionalGeneration" },
            ["tokenizer"] = new[] { "transformers", "Qwen2Tokenizer" },
            ["transformer"] = new[] { "diffusers", "QwenImageTransformer2DModel" },
            ["vae"] = new[] { "diffusers", "AutoencoderKLQwenImage" },
        });

        using var generator = new Generator(seed);
        using (var transformer = new QwenImageTransformer2DModel(configs.Transformer))
            WriteComponent(folder, "transformer", "config.json", configs.Transformer, "diffusion_pytorch_model.safetensors", transformer, "", generator);
        using (var vae = new AutoencoderKLQwenImage(configs.Vae))
            WriteComponent(folder, "vae", "config.json", configs.Vae, "diffusion_pytorch_model.safetensors", vae, "", generator);
        // Published text-encoder checkpoints name the language model "model.*".
        using (var textEncoder = new Qwen25VLTextModel(configs.TextEncoder))
            WriteComponent(folder, "text_encoder", "config.json", configs.TextEncoder, "model.safetensors", textEncoder, "model.", generator);
        Directory.CreateDirectory(Path.Combine(folder, "scheduler"));
        WriteJson(Path.Combine(folder, "scheduler", "scheduler_config.json"), configs.Scheduler);

        string tokenizer = Path.Combine(folder, "tokenizer");
        Directory.CreateDirectory(tokenizer);
        foreach (string file in Directory.GetFiles(configs.TokenizerFolder))
            File.Copy(file, Path.Combine(tokenizer, Path.GetFileName(file)), overwrite: true);
    }

    private static void WriteComponent(string root, string name, string configFile, object config, string weightsFile,
        nn.Module module, string prefix, Generator generator)
    {
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        WriteJson(Path.Combine(folder, configFile), config);
        RandomWeights.Fill(module, generator);
        SafetensorsWriter.Write(Path.Combine(folder, weightsFile), module.state_dict().ToDictionary(p => prefix + p.Key, p => p.Value));
    }

    private static void WriteJson(string path, object value) =>
        File.WriteAllText(path, JsonSerializer.Serialize(value, value.GetType(), new JsonSerializerOptions { WriteIndented = true }));
}
