using QwenLayered.Engine.ModelFolders;
using QwenLayered.Tests;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.RandomModels;
using static TorchSharp.torch;

namespace QwenLayered.Server.Tests;

/// <summary>
/// A complete random-weight model folder whose transformer's output projection holds NaN, as damaged weights would:
/// it loads like any other, and every decomposition with it samples NaN latents. It works at 64 px.
/// </summary>
public sealed class NaNModelFolder : IDisposable
{
    public NaNModelFolder()
    {
        RandomModelFolder.Write(Path, RandomModelConfigs.Tiny(Repository.Tokenizer), seed: 5);
        string file = System.IO.Path.Combine(Path, "transformer", "diffusion_pytorch_model.safetensors");
        Dictionary<string, Tensor> tensors;
        using (var weights = SafetensorsFile.Open(file))
            tensors = weights.Tensors.Keys.ToDictionary(name => name, name => weights.Read(name, ScalarType.Float32, CPU));
        var projection = tensors["proj_out.weight"];
        tensors["proj_out.weight"] = tensor(Enumerable.Repeat(float.NaN, (int)projection.numel()).ToArray(), projection.shape);
        projection.Dispose();
        SafetensorsWriter.Write(file, tensors);
        foreach (var weight in tensors.Values) weight.Dispose();
        SmallWorkingSize.Write(Path);
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("qwenlayered-nan-model-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
