using System.Text.Json;
using System.Text.Json.Nodes;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.Training;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.RandomModels;

/// <summary>
/// Writes a complete model folder in the published diffusers layout with seeded random weights, so tests and
/// benchmarks run the same loading and inference code as the real model without its weights.
/// </summary>
public static class RandomModelFolder
{
    /// <param name="forTraining">Start the transformer as training does (<see cref="AdaLnZero"/>) rather than with every
    /// weight random; the other components are the same either way.</param>
    public static void Write(string folder, RandomModelConfigs configs, ulong seed, bool forTraining = false)
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
        {
            RandomWeights.Fill(transformer, generator);
            if (forTraining) AdaLnZero.Apply(transformer);
            WriteComponent(folder, "transformer", "config.json", configs.Transformer, "diffusion_pytorch_model.safetensors", transformer, "");
        }
        using (var vae = new AutoencoderKLQwenImage(configs.Vae))
        {
            RandomWeights.Fill(vae, generator);
            WriteComponent(folder, "vae", "config.json", configs.Vae, "diffusion_pytorch_model.safetensors", vae, "");
        }
        WriteTextEncoder(Path.Combine(folder, "text_encoder"), configs, generator);
        Directory.CreateDirectory(Path.Combine(folder, "scheduler"));
        WriteJson(Path.Combine(folder, "scheduler", "scheduler_config.json"), configs.Scheduler);

        string tokenizer = Path.Combine(folder, "tokenizer");
        Directory.CreateDirectory(tokenizer);
        foreach (string file in Directory.GetFiles(configs.TokenizerFolder))
            File.Copy(file, Path.Combine(tokenizer, Path.GetFileName(file)), overwrite: true);
    }

    private static void WriteComponent(string root, string name, string configFile, object config, string weightsFile,
        nn.Module module, string prefix)
    {
        string folder = Path.Combine(root, name);
        Directory.CreateDirectory(folder);
        WriteJson(Path.Combine(folder, configFile), config);
        WriteWeights(Path.Combine(folder, weightsFile), module, prefix);
    }

    // The published checkpoint layout: the whole Qwen2.5-VL model (visual.*, model.*, lm_head.*) with the multimodal
    // keys in config.json when there is a vision tower; otherwise the language model alone under model.*.
    private static void WriteTextEncoder(string folder, RandomModelConfigs configs, Generator generator)
    {
        Directory.CreateDirectory(folder);
        var config = JsonSerializer.SerializeToNode(configs.TextEncoder)!.AsObject();
        if (configs.Multimodal is not { } multimodal)
        {
            File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(Indented));
            using var language = new Qwen25VLTextModel(configs.TextEncoder);
            RandomWeights.Fill(language, generator);
            WriteWeights(Path.Combine(folder, "model.safetensors"), language, "model.");
            return;
        }
        config["vision_config"] = JsonSerializer.SerializeToNode(multimodal.Vision);
        config["image_token_id"] = multimodal.ImageTokenId;
        config["vision_start_token_id"] = multimodal.VisionStartTokenId;
        config["eos_token_id"] = JsonSerializer.SerializeToNode(multimodal.EosTokenIds);
        config["rope_scaling"] = new JsonObject { ["type"] = "mrope", ["mrope_section"] = JsonSerializer.SerializeToNode(multimodal.MropeSection) };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(Indented));
        using var languageModel = new Qwen25VLTextModel(configs.TextEncoder);
        using var head = new Qwen25VLCaptionHead(multimodal);
        var weights = new Qwen25VLCaptionModel(head, languageModel).Weights();
        RandomWeights.Fill(weights, generator);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights.ToDictionary());
    }

    private static void WriteWeights(string path, nn.Module module, string prefix) =>
        SafetensorsWriter.Write(path, module.state_dict().ToDictionary(p => prefix + p.Key, p => p.Value));

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static void WriteJson(string path, object value) =>
        File.WriteAllText(path, JsonSerializer.Serialize(value, value.GetType(), Indented));
}
