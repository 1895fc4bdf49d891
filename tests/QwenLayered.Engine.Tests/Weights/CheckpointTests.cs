using QwenLayered.Engine.Weights;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Weights;

public class CheckpointTests
{
    [Fact]
    public void Open_ShardIndex_ReadsTensorsFromEveryShard()
    {
        using var folder = new TempFolder();
        using var a = torch.arange(6, dtype: torch.ScalarType.Float32);
        using var b = torch.ones(2, 2);
        SafetensorsWriter.Write(folder.File("m-00001-of-00002.safetensors"), new Dictionary<string, torch.Tensor> { ["a"] = a });
        SafetensorsWriter.Write(folder.File("m-00002-of-00002.safetensors"), new Dictionary<string, torch.Tensor> { ["b"] = b });
        File.WriteAllText(folder.File("m.safetensors.index.json"),
            """{"metadata":{"total_size":40},"weight_map":{"a":"m-00001-of-00002.safetensors","b":"m-00002-of-00002.safetensors"}}""");

        using var checkpoint = Checkpoint.Open(folder.File("m.safetensors.index.json"));
        using var readB = checkpoint.Read("b", torch.ScalarType.Float32, torch.CPU);

        Assert.Equal(["a", "b"], checkpoint.Tensors.Keys.Order());
        Assert.EndsWith("m-00002-of-00002.safetensors", checkpoint.FileOf("b"));
        Assert.True(readB.equal(b).all().item<bool>());
    }

    [Fact]
    public void Open_Folder_FindsTheSingleFile()
    {
        using var folder = new TempFolder();
        using var t = torch.ones(1);
        SafetensorsWriter.Write(folder.File("diffusion_pytorch_model.safetensors"), new Dictionary<string, torch.Tensor> { ["w"] = t });

        using var checkpoint = Checkpoint.Open(folder.Path);

        Assert.Equal(["w"], checkpoint.Tensors.Keys);
    }

    [Fact]
    public void Open_IndexNamingAMissingShard_NamesIndexTensorAndShard()
    {
        using var folder = new TempFolder();
        var (index, error) = OpenIndexRefused(folder, """{"weight_map":{"a":"gone.safetensors"}}""");

        Assert.Equal($"{index}: tensor 'a': its shard 'gone.safetensors' does not exist next to the index.", error.Message);
    }

    [Fact]
    public void Open_IndexPlacingATensorInTheWrongShard_NamesBoth()
    {
        using var folder = new TempFolder();
        using var t = torch.ones(1);
        SafetensorsWriter.Write(folder.File("s1.safetensors"), new Dictionary<string, torch.Tensor> { ["a"] = t });
        var (index, error) = OpenIndexRefused(folder, """{"weight_map":{"b":"s1.safetensors"}}""");

        Assert.Equal($"{index}: tensor 'b': the weight_map places it in 's1.safetensors', which does not contain it.", error.Message);
    }

    [Fact]
    public void Open_IndexWithoutWeightMap_SaysSo()
    {
        using var folder = new TempFolder();
        var (index, error) = OpenIndexRefused(folder, """{"metadata":{}}""");

        Assert.Equal($"{index}: the shard index has no weight_map object.", error.Message);
    }

    /// <summary>Writes <paramref name="json"/> as the folder's shard index, opens it and returns the refusal.</summary>
    private static (string Index, WeightFileException Error) OpenIndexRefused(TempFolder folder, string json)
    {
        string index = folder.File("m.safetensors.index.json");
        File.WriteAllText(index, json);
        return (index, Assert.Throws<WeightFileException>(() => Checkpoint.Open(index)));
    }
}
