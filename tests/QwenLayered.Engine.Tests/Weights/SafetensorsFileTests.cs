using QwenLayered.Engine.Weights;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Weights;

public class SafetensorsFileTests
{
    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.Float16)]
    [InlineData(torch.ScalarType.BFloat16)]
    public void Read_AfterWrite_ReturnsTheSameValuesShapeAndDType(torch.ScalarType dtype)
    {
        using var folder = new TempFolder();
        using var generator = new torch.Generator(1);
        using var original = torch.randn(3, 5, 7, generator: generator).to(dtype);
        using var scalar = torch.tensor(2.5f).to(dtype);
        string path = folder.File("round.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["a.weight"] = original, ["b"] = scalar },
            new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        using var read = file.Read("a.weight", dtype, torch.CPU);
        using var readScalar = file.Read("b", dtype, torch.CPU);

        Assert.Equal(dtype, file.Tensors["a.weight"].DType);
        Assert.Equal(new long[] { 3, 5, 7 }, read.shape);
        Assert.True(read.equal(original).all().item<bool>());
        Assert.Empty(readScalar.shape);
        Assert.True(readScalar.equal(scalar).all().item<bool>());
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Read_AsAnotherDType_ConvertsOnTheWay()
    {
        using var folder = new TempFolder();
        using var generator = new torch.Generator(2);
        using var original = torch.randn(4, 4, generator: generator).to(torch.ScalarType.BFloat16);
        string path = folder.File("bf16.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["w"] = original });

        using var file = SafetensorsFile.Open(path);
        using var read = file.Read("w", torch.ScalarType.Float32, torch.CPU);

        Assert.Equal(torch.ScalarType.Float32, read.dtype);
        Assert.True(read.equal(original.to(torch.ScalarType.Float32)).all().item<bool>());
    }

    [Fact]
    public void Read_UnknownName_NamesFileAndTensor()
    {
        using var folder = new TempFolder();
        string path = folder.File("one.safetensors");
        using var t = torch.zeros(2);
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["w"] = t });
        using var file = SafetensorsFile.Open(path);

        var error = Assert.Throws<WeightFileException>(() => file.Read("nope", torch.ScalarType.Float32, torch.CPU));

        Assert.Contains(path, error.Message);
        Assert.Contains("'nope'", error.Message);
    }

    [Fact]
    public void Open_MissingFile_SaysItDoesNotExist()
    {
        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open("/nonexistent/x.safetensors"));
        Assert.Contains("/nonexistent/x.safetensors: the file does not exist", error.Message);
    }
}
