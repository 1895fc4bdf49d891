using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.Training;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.Training;

public class ModelExportTests(TinyModel tiny)
{
    [Fact]
    public void Write_Bf16_StoresEveryFloatWeightInBf16AndTheModelStillLoads()
    {
        using var checkpoint = new TempFolder();
        using var exported = new TempFolder();
        checkpoint.CopyFrom(tiny.Folder);
        File.WriteAllText(Path.Combine(checkpoint.Path, "trainer_state.json"), "{}");
        File.WriteAllText(Path.Combine(checkpoint.Path, "optimizer.bin"), "state");

        ModelExport.Write(checkpoint.Path, exported.Path, torch.ScalarType.BFloat16);

        Assert.False(File.Exists(Path.Combine(exported.Path, "trainer_state.json")));
        Assert.False(File.Exists(Path.Combine(exported.Path, "optimizer.bin")));
        foreach (string file in Directory.GetFiles(exported.Path, "*.safetensors", SearchOption.AllDirectories))
        {
            using var weights = SafetensorsFile.Open(file);
            Assert.All(weights.Tensors.Values, info => Assert.Equal(torch.ScalarType.BFloat16, info.DType));
        }
        using var model = LayeredModel.Load(exported.Path, torch.ScalarType.Float32, torch.CPU);
        Assert.Equal(Path.GetFileName(exported.Path), model.Name);
    }

    [Fact]
    public void Write_IntegerDtype_IsRefused()
    {
        using var exported = new TempFolder();

        Assert.Throws<ArgumentException>(() => ModelExport.Write(tiny.Folder, exported.Path, torch.ScalarType.Int8));
    }
}
