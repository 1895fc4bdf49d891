using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// Runs transformer blocks whose weights stay in host memory (pinned on CUDA, so copies need no staging) through two
/// blocks of the same shape on the compute device, taken in turn: before block i runs in one, block i+1's weights are
/// already being copied into the other. The copies are issued without waiting (<c>non_blocking</c>); on one device
/// queue they run in order with the compute, so a slot is never overwritten before the block using it has run.
/// </summary>
internal sealed class BlockStream : IDisposable
{
    private const int Slots = 2;
    private readonly IList<QwenImageTransformerBlock> hostBlocks;
    private readonly QwenImageTransformerBlock[] slots;

    public BlockStream(IList<QwenImageTransformerBlock> hostBlocks, Func<QwenImageTransformerBlock> buildOnDevice)
    {
        this.hostBlocks = hostBlocks;
        slots = [.. Enumerable.Range(0, Slots).Select(_ => buildOnDevice())];
    }

    /// <summary>The device blocks the weights are copied into, for checks and memory counts.</summary>
    public IReadOnlyList<QwenImageTransformerBlock> DeviceBlocks => slots;

    /// <summary>
    /// The device block holding block <paramref name="index"/>'s weights, with the next block's copy already issued into
    /// the other slot. Blocks are taken in order from 0 in every forward.
    /// </summary>
    public QwenImageTransformerBlock Ready(int index)
    {
        if (index == 0) CopyInto(0);
        if (index + 1 < hostBlocks.Count) CopyInto(index + 1);
        return slots[index % Slots];
    }

    private void CopyInto(int index)
    {
        using var noGrad = no_grad();
        var source = hostBlocks[index].state_dict();
        foreach (var (name, target) in slots[index % Slots].state_dict())
            target.copy_(source[name], true);
    }

    public void Dispose()
    {
        foreach (var slot in slots) slot.Dispose();
    }
}
