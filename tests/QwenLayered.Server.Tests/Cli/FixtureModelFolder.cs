using QwenLayered.Engine.ModelFolders;
using QwenLayered.Toolbox.Parity;
using QwenLayered.Engine.Weights;
using QwenLayered.Tests;
using QwenLayered.Toolbox.RandomModels;

namespace QwenLayered.Server.Tests.Cli;

/// <summary>
/// A model folder whose transformer and VAE are a fixture pipeline case's (reference weights, split from their
/// <c>transformer.</c>/<c>vae.</c> prefixes), completed with a tiny random text encoder and the Qwen2.5 tokenizer,
/// working at 64 px.
/// </summary>
public sealed class FixtureModelFolder : IDisposable
{
    public FixtureModelFolder() => Write(Folder);

    public string Folder { get; } = Directory.CreateTempSubdirectory("qwenlayered-fixture-model-").FullName;

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static void Write(string folder)
    {
        string fixtures = FixtureLocator.Default();
        using var pipeline = FixtureSet.Open(fixtures, "pipeline").First();
        RandomModelFolder.Write(folder, RandomModelConfigs.Tiny(Repository.Tokenizer), seed: 3);
        SmallWorkingSize.Write(folder);
        using var weights = SafetensorsFile.Open(pipeline.WeightsPath);
        foreach (string component in new[] { "transformer", "vae" })
        {
            string target = Path.Combine(folder, component);
            File.WriteAllText(Path.Combine(target, "config.json"), pipeline.Config.GetProperty(component).GetRawText());
            string prefix = component + ".";
            var tensors = weights.Tensors.Keys.Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(name => name[prefix.Length..], name => weights.Read(name, TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.CPU));
            SafetensorsWriter.Write(Path.Combine(target, "diffusion_pytorch_model.safetensors"), tensors);
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }
}
