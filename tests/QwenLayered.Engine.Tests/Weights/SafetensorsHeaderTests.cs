using QwenLayered.Engine.Weights;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Weights;

/// <summary>Every malformed header is refused with a message naming the file, the tensor (if any) and the problem.</summary>
public class SafetensorsHeaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Writes the file <paramref name="name"/> with <paramref name="write"/>, opens it and returns the refusal.</summary>
    private (string Path, WeightFileException Error) OpenRefused(string name, Action<string> write)
    {
        string path = _folder.File(name);
        write(path);
        return (path, Assert.Throws<WeightFileException>(() => SafetensorsFile.Open(path)));
    }

    [Fact]
    public void Open_FileShorterThanTheLengthField_SaysTruncated()
    {
        var (path, error) = OpenRefused("short.safetensors", file => RawSafetensors.Write(file, [1, 2, 3]));

        Assert.StartsWith(path + ": truncated", error.Message);
    }

    [Fact]
    public void Open_HeaderLengthPastTheEnd_SaysTruncated()
    {
        var (path, error) = OpenRefused("cut.safetensors", file => RawSafetensors.Write(file, BitConverter.GetBytes(1000UL), "{}"u8.ToArray()));

        Assert.StartsWith(path + ": truncated", error.Message);
        Assert.Contains("1000", error.Message);
    }

    [Fact]
    public void Open_ImplausibleHeaderLength_SaysNotSafetensors()
    {
        var (_, error) = OpenRefused("huge.safetensors", file => RawSafetensors.Write(file, BitConverter.GetBytes(ulong.MaxValue), new byte[16]));

        Assert.Contains("not plausible", error.Message);
    }

    [Fact]
    public void Open_HeaderNotJson_SaysSo()
    {
        var (path, error) = OpenRefused("garbage.safetensors", file => RawSafetensors.Write(file, "{not json", 0));

        Assert.StartsWith(path + ": the header is not valid JSON", error.Message);
    }

    [Fact]
    public void Open_UnsupportedDType_NamesTensorAndDType()
    {
        var (path, error) = OpenRefused("int.safetensors", file => RawSafetensors.Write(file, """{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", 16));

        Assert.Equal($"{path}: tensor 'ids': dtype 'I64' is not supported; this reader takes F32, F16, BF16.", error.Message);
    }

    [Fact]
    public void Open_ShapeDisagreesWithByteRange_NamesShapeAndSpan()
    {
        var (path, error) = OpenRefused("shape.safetensors", file => RawSafetensors.Write(file, """{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}""", 20));

        Assert.Equal($"{path}: tensor 'w': shape [2, 3] x F32 needs 24 bytes but data_offsets [0, 20] span 20.", error.Message);
    }

    [Fact]
    public void Open_TensorPastTheDataArea_SaysTruncated()
    {
        var (path, error) = OpenRefused("truncated.safetensors", file => RawSafetensors.Write(file, """{"w":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}""", 10));

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
        var (path, error) = OpenRefused("entry.safetensors", file => RawSafetensors.Write(file, header, 4));

        Assert.StartsWith($"{path}: tensor 'w': ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Open_WrittenByTheWriter_PadsTheHeaderToEightBytes()
    {
        string path = _folder.File("aligned.safetensors");
        using var t = torch.ones(3);
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["odd_name"] = t });

        ulong headerLength = BitConverter.ToUInt64(File.ReadAllBytes(path), 0);

        Assert.Equal(0UL, headerLength % 8);
    }
}
