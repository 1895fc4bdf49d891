using System.Text;
using System.Text.Json;
using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>Writes tensors (F32, F16 or BF16) to a safetensors file, in name order, one tensor in host memory at a time.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        byte[] header = Header(names, tensors, metadata);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Span<byte> length = stackalloc byte[8];
        BitConverter.TryWriteBytes(length, (ulong)header.Length);
        file.Write(length);
        file.Write(header);
        foreach (string name in names) WriteData(file, tensors[name]);
    }

    private static byte[] Header(List<string> names, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var entries = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) entries["__metadata__"] = metadata;
        long offset = 0;
        foreach (string name in names)
        {
            var tensor = tensors[name];
            long bytes = tensor.NumberOfElements * SafetensorsDType.SizeOf(tensor.dtype);
            entries[name] = new { dtype = SafetensorsDType.NameOf(tensor.dtype), shape = tensor.shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }

        // The format pads the header with spaces to a multiple of 8 so the data area stays aligned.
        string json = JsonSerializer.Serialize(entries);
        int padded = (Encoding.UTF8.GetByteCount(json) + 7) / 8 * 8;
        return Encoding.UTF8.GetBytes(json.PadRight(json.Length + padded - Encoding.UTF8.GetByteCount(json)));
    }

    private static unsafe void WriteData(FileStream file, torch.Tensor tensor)
    {
        using var host = tensor.detach().cpu().contiguous();
        long total = host.NumberOfElements * SafetensorsDType.SizeOf(host.dtype);
        if (total == 0) return;
        byte* data = TensorMemory.FirstByte(host);
        for (long written = 0; written < total;)
        {
            int chunk = (int)Math.Min(total - written, 1 << 30);
            file.Write(new ReadOnlySpan<byte>(data + written, chunk));
            written += chunk;
        }
    }
}
