using QwenLayered.Engine.Weights;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Weights;

public class ModuleWeightsTests
{
    private static torch.nn.Module<torch.Tensor, torch.Tensor> TwoLayers() =>
        torch.nn.Sequential(("0", torch.nn.Linear(3, 4)), ("1", torch.nn.Linear(4, 2)));

    private static Dictionary<string, torch.Tensor> WeightsFor(torch.nn.Module module)
    {
        using var generator = new torch.Generator(4);
        return module.state_dict().ToDictionary(pair => pair.Key, pair => torch.randn(pair.Value.shape, generator: generator));
    }

    [Fact]
    public void LoadWeights_MatchingCheckpoint_CopiesEveryTensorInTheTargetDType()
    {
        using var folder = new TempFolder();
        using var module = TwoLayers();
        var weights = WeightsFor(module);
        string path = folder.File("w.safetensors");
        SafetensorsWriter.Write(path, weights);
        using var checkpoint = Checkpoint.Open(path);

        module.LoadWeights(checkpoint, torch.ScalarType.BFloat16, torch.CPU);

        foreach (var (name, tensor) in module.state_dict())
        {
            Assert.Equal(torch.ScalarType.BFloat16, tensor.dtype);
            Assert.True(tensor.equal(weights[name].to(torch.ScalarType.BFloat16)).all().item<bool>(), name);
        }
    }

    [Fact]
    public void LoadWeights_MissingAndUnexpectedNames_ListsBoth()
    {
        using var folder = new TempFolder();
        using var module = TwoLayers();
        var weights = WeightsFor(module);
        weights.Remove("1.bias");
        weights["2.weight"] = torch.zeros(1);
        string path = folder.File("w.safetensors");
        SafetensorsWriter.Write(path, weights);
        using var checkpoint = Checkpoint.Open(path);

        var error = Assert.Throws<WeightFileException>(() => module.LoadWeights(checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.Equal($"{path}: strict load failed: 1 tensor(s) missing that the model expects: 1.bias; " +
                     "1 unexpected tensor(s) the model does not have: 2.weight.", error.Message);
    }

    [Fact]
    public void LoadWeights_ShapeMismatch_NamesTensorAndBothShapes()
    {
        using var folder = new TempFolder();
        using var module = TwoLayers();
        var weights = WeightsFor(module);
        weights["0.weight"] = torch.zeros(3, 4);
        string path = folder.File("w.safetensors");
        SafetensorsWriter.Write(path, weights);
        using var checkpoint = Checkpoint.Open(path);

        var error = Assert.Throws<WeightFileException>(() => module.LoadWeights(checkpoint, torch.ScalarType.Float32, torch.CPU));

        Assert.Equal($"{path}: tensor '0.weight': shape mismatch: the checkpoint has [3, 4], the model expects [4, 3].", error.Message);
    }
}
