using QwenLayered.Engine.Memory;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// How a transformer's blocks hold their weights in a <see cref="MemoryMode"/>: dense on the device (resident and
/// text-offload), int8 on the device (quantized), or in host memory and streamed to the device (streamed). Each block is
/// finished as soon as it is built and filled, before the next one is built, so a full-size model never holds all its
/// blocks dense on the device at once.
/// </summary>
public sealed class TransformerLayout(MemoryMode mode, Device device)
{
    public MemoryMode Mode { get; } = mode;

    /// <summary>The compute device: where everything but streamed blocks lives.</summary>
    public Device Device { get; } = device;

    /// <summary>Whether the blocks stay dense on the device as built (no finishing, no streaming).</summary>
    public bool IsDense => Mode is MemoryMode.Resident or MemoryMode.TextOffload;

    internal void Finish(QwenImageTransformerBlock block)
    {
        switch (Mode)
        {
            case MemoryMode.Quantized:
                foreach (var linear in block.modules().OfType<TransformerLinear>()) linear.Quantize();
                break;
            case MemoryMode.Streamed:
                block.to(CPU);
                if (Device.type == DeviceType.CUDA) PinInPlace(block);
                break;
        }
    }

    // Page-locked host memory lets the copies to the device run without a staging copy and without waiting.
    private static void PinInPlace(QwenImageTransformerBlock block)
    {
        using var noGrad = no_grad();
        foreach (var (_, tensor) in block.state_dict())
        {
            using var pinned = tensor.pin_memory();
            tensor.set_(pinned);
        }
    }
}
