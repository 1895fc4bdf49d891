using System.IO.MemoryMappedFiles;
using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>
/// One safetensors file, memory-mapped. The header is validated on open; tensors are then read one at a time
/// straight from the mapping into a torch tensor, so host memory never holds a second copy of the whole file.
/// </summary>
internal sealed class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _mapping;
    private readonly long _dataStart;

    private SafetensorsFile(string path, MemoryMappedFile mapping, SafetensorsHeader header)
    {
        Path = path;
        _mapping = mapping;
        _dataStart = header.DataStart;
        Tensors = header.Tensors;
        Metadata = header.Metadata;
    }

    public string Path { get; }

    /// <summary>Every tensor in the file by name, validated against the data area.</summary>
    public IReadOnlyDictionary<string, TensorInfo> Tensors { get; }

    /// <summary>The optional <c>__metadata__</c> string map.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="WeightFileException"/> naming the problem.</summary>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new WeightFileException(path, null, "the file does not exist.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var header = SafetensorsHeader.Read(path, stream);
        var mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
        return new SafetensorsFile(path, mapping, header);
    }

    /// <summary>Reads one tensor as <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public torch.Tensor Read(string name, torch.ScalarType dtype, torch.Device device)
    {
        if (!Tensors.TryGetValue(name, out var info))
            throw new WeightFileException(Path, name, "no such tensor in this file.");

        var stored = torch.empty(info.Shape, info.DType, torch.CPU);
        if (info.ByteLength > 0) CopyInto(info, stored);
        if (stored.dtype == dtype && stored.device.type == device.type && device.type == DeviceType.CPU) return stored;
        using (stored) return stored.to(dtype, device);
    }

    // Maps only this tensor's byte range and unmaps it afterwards, so resident pages stay bounded by one tensor.
    private unsafe void CopyInto(TensorInfo info, torch.Tensor target)
    {
        using var view = _mapping.CreateViewAccessor(_dataStart + info.Begin, info.ByteLength, MemoryMappedFileAccess.Read);
        byte* source = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref source);
        try
        {
            byte* start = source + view.PointerOffset;
            Buffer.MemoryCopy(start, TensorMemory.FirstByte(target), info.ByteLength, info.ByteLength);
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    public void Dispose() => _mapping.Dispose();
}
