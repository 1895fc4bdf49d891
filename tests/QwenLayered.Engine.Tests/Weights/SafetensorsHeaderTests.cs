using QwenLayered.Engine.Weights;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Weights;

/// <summary>Every malformed header is refused with a message naming the file, the tensor (if any) and the problem.</summary>
public class SafetensorsHeaderTests
{
    [Fact]
    public void Open_FileShorterThanTheLengthField_SaysTruncated()
    {
        using var folder = new TempFolder();
        string path = folder.File("short.safetensors");
        RawSafetensors.Write(path, [1, 2, 3]);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith(path + ": truncated", error.Message);
    }

    [Fact]
    public void Open_HeaderLengthPastTheEnd_SaysTruncated()
    {
        using var folder = new TempFolder();
        string path = folder.File("cut.safetensors");
        RawSafetensors.Write(path, BitConverter.GetBytes(1000UL), "{}"u8.ToArray());

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith(path + ": truncated", error.Message);
        Assert.Contains("1000", error.Message);
    }

    [Fact]
    public void Open_ImplausibleHeaderLength_SaysNotSafetensors()
    {
        using var folder = new TempFolder();
        string path = folder.File("huge.safetensors");
        RawSafetensors.Write(path, BitConverter.GetBytes(ulong.MaxValue), new byte[16]);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.Contains("not plausible", error.Message);
    }

    [Fact]
    public void Open_HeaderNotJson_SaysSo()
    {
        using var folder = new TempFolder();
        string path = folder.File("garbage.safetensors");
        RawSafetensors.Write(path, "{not json", 0);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith(path + ": the header is not valid JSON", error.Message);
    }

    [Fact]
    public void Open_UnsupportedDType_NamesTensorAndDType()
    {
        using var folder = new TempFolder();
        string path = folder.File("int.safetensors");
        RawSafetensors.Write(path, """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", 16);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"{path}: tensor 'ids': dtype 'I64' is not supported; this reader takes F32, F16, BF16.", error.Message);
    }

    [Fact]
    public void Open_ShapeDisagreesWithByteRange_NamesShapeAndSpan()
    {
        using var folder = new TempFolder();
        string path = folder.File("shape.safetensors");
        RawSafetensors.Write(path, """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.Equal($"{path}: tensor 'w': shape [2, 3] x F32 needs 24 bytes but data_offsets [0, 20] span 20.", error.Message);
    }

    [Fact]
    public void Open_TensorPastTheDataArea_SaysTruncated()
    {
        using var folder = new TempFolder();
        string path = folder.File("truncated.safetensors");
        RawSafetensors.Write(path, """{"w":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}""", 10);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith($"{path}: tensor 'w': truncated", error.Message);
        Assert.Contains("(10 bytes)", error.Message);
    }

    [Fact]
    public void Open_OverlappingTensors_NamesBoth()
    {
        using var folder = new TempFolder();
        string path = folder.File("overlap.safetensors");
        RawSafetensors.Write(path,
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith($"{path}: tensor 'b': data_offsets [4, 12] overlap those of tensor 'a'", error.Message);
    }

    [Theory]
    [InlineData("""{"w":{"shape":[1],"data_offsets":[0,4]}}""", "no dtype")]
    [InlineData("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""", "no shape")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", "no shape")]
    [InlineData("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", "begin <= end")]
    [InlineData("""{"w":[1,2]}""", "not an object")]
    public void Open_MalformedEntry_NamesTensorAndWhatIsMissing(string header, string problem)
    {
        using var folder = new TempFolder();
        string path = folder.File("entry.safetensors");
        RawSafetensors.Write(path, header, 4);

        var error = Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path));

        Assert.StartsWith($"{path}: tensor 'w': ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Open_WrittenByTheWriter_PadsTheHeaderToEightBytes()
    {
        using var folder = new TempFolder();
        string path = folder.File("aligned.safetensors");
        using var t = torch.ones(3);
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["odd_name"] = t });

        ulong headerLength = BitConverter.ToUInt64(File.ReadAllBytes(path), 0);

        Assert.Equal(0UL, headerLength % 8);
    }
}
