using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>One tensor's header entry. Offsets count from the first byte after the header, as in the format.</summary>
public sealed record TensorInfo(string Name, torch.ScalarType DType, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;

    public long ElementCount => Shape.Aggregate(1L, (product, dim) => product * dim);

    /// <summary>"[2, 4, 1, 40, 56]": for messages.</summary>
    public string ShapeText => ShapeFormat.Of(Shape);
}

/// <summary>Formats shapes the way PyTorch prints them, so messages read familiarly.</summary>
public static class ShapeFormat
{
    public static string Of(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
