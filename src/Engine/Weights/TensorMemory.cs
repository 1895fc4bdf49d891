using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace QwenLayered.Engine.Weights;

/// <summary>Raw access to the storage of a contiguous CPU tensor, for copies to and from files.</summary>
internal static class TensorMemory
{
    /// <summary>
    /// The address of the first element. TorchSharp only exposes storage as an int-sized <c>Span</c>, so the span of
    /// a one-element view gives the address for tensors of any size.
    /// </summary>
    public static unsafe byte* FirstByte(torch.Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous() || tensor.NumberOfElements == 0)
            throw new ArgumentException("Expected a non-empty contiguous CPU tensor.", nameof(tensor));
        using var flat = tensor.flatten();
        using var first = flat.narrow(0, 0, 1);
        return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }
}
