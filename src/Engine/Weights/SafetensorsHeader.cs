using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>
/// Reads and validates a safetensors header: 8-byte little-endian length N, N bytes of JSON, then the data area.
/// Every tensor entry is checked against the data area so that reading can trust the offsets afterwards.
/// </summary>
internal sealed class SafetensorsHeader
{
    // The reference implementation refuses headers above 100 MB; a larger one is a corrupt length, not a real header.
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    private SafetensorsHeader(long dataStart, IReadOnlyDictionary<string, TensorInfo> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>File offset of the first data byte (8 + header length).</summary>
    public long DataStart { get; }

    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsHeader Read(string path, FileStream file)
    {
        long fileLength = file.Length;
        if (fileLength < 8)
            throw new WeightFileException(path, null, $"truncated: the file has {fileLength} bytes, fewer than the 8-byte header length.");

        Span<byte> lengthBytes = stackalloc byte[8];
        file.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength == 0 || headerLength > MaxHeaderBytes)
            throw new WeightFileException(path, null, $"header length {headerLength} is not plausible (1 to {MaxHeaderBytes} bytes); not a safetensors file?");
        if ((long)headerLength > fileLength - 8)
            throw new WeightFileException(path, null, $"truncated: the header length {headerLength} runs past the end of the file ({fileLength} bytes).");

        var json = new byte[headerLength];
        file.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        return Parse(path, json, fileLength - dataStart, dataStart);
    }

    private static SafetensorsHeader Parse(string path, byte[] json, long dataLength, long dataStart)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new WeightFileException(path, null, $"the header is not valid JSON ({error.Message}).", error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new WeightFileException(path, null, $"the header is JSON {document.RootElement.ValueKind}, not an object of tensors.");

            var tensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                    ReadMetadata(path, property.Value, metadata);
                else
                    tensors.Add(property.Name, ReadEntry(path, property.Name, property.Value, dataLength));
            }

            CheckNoOverlap(path, tensors.Values);
            return new SafetensorsHeader(dataStart, tensors, metadata);
        }
    }

    private static TensorInfo ReadEntry(string path, string name, JsonElement entry, long dataLength)
    {
        WeightFileException Bad(string problem) => new(path, name, problem);

        if (entry.ValueKind != JsonValueKind.Object)
            throw Bad($"the header entry is JSON {entry.ValueKind}, not an object with dtype, shape and data_offsets.");
        if (!entry.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("the header entry has no dtype string.");
        string dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryParse(dtypeName, out var dtype))
            throw Bad($"dtype '{dtypeName}' is not supported; this reader takes {SafetensorsDType.Supported}.");

        long[] shape = ReadIntegers(entry, "shape") ?? throw Bad("the header entry has no shape array of non-negative integers.");
        long[] offsets = ReadIntegers(entry, "data_offsets") ?? throw Bad("the header entry has no data_offsets array of non-negative integers.");
        if (offsets.Length != 2 || offsets[0] > offsets[1])
            throw Bad($"data_offsets {ShapeFormat.Of(offsets)} must be [begin, end] with begin <= end.");

        var info = new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
        long expectedBytes = checked(info.ElementCount * SafetensorsDType.SizeOf(dtype));
        if (expectedBytes != info.ByteLength)
            throw Bad($"shape {info.ShapeText} x {dtypeName} needs {expectedBytes} bytes but data_offsets [{info.Begin}, {info.End}] span {info.ByteLength}.");
        if (info.End > dataLength)
            throw Bad($"truncated: data_offsets [{info.Begin}, {info.End}] run past the end of the data area ({dataLength} bytes).");
        return info;
    }

    private static long[]? ReadIntegers(JsonElement entry, string property)
    {
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array) return null;
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0) return null;
            values.Add(value);
        }
        return [.. values];
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new WeightFileException(path, null, "__metadata__ must be an object of strings.");
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new WeightFileException(path, null, $"__metadata__ entry '{item.Name}' is not a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static void CheckNoOverlap(string path, IEnumerable<TensorInfo> tensors)
    {
        TensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
                throw new WeightFileException(path, tensor.Name,
                    $"data_offsets [{tensor.Begin}, {tensor.End}] overlap those of tensor '{previous.Name}' [{previous.Begin}, {previous.End}].");
            previous = tensor;
        }
    }
}
