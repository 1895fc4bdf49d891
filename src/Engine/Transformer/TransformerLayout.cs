using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// How a transformer's blocks hold their weights (<see cref="BlockWeights"/>): dense or int8 on the device, or in host
/// memory and streamed to the device. Each block is
/// finished as soon as it is built and filled, before the next one is built, so a full-size model never holds all its
/// blocks dense on the device at once.
/// </summary>
public sealed class TransformerLayout(BlockWeights blocks, Device device)
{
    public BlockWeights Blocks { get; } = blocks;

    /// <summary>The compute device: where everything but streamed blocks lives.</summary>
    public Device Device { get; } = device;

    /// <summary>Whether the blocks stay dense on the device as built (no finishing, no streaming).</summary>
    public bool IsDense => Blocks == BlockWeights.Dense;

    internal void Finish(QwenImageTransformerBlock block)
    {
        switch (Blocks)
        {
            case BlockWeights.Int8:
                foreach (var linear in block.modules().OfType<TransformerLinear>()) linear.Quantize();
                break;
            case BlockWeights.Host:
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
