using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// A prompt ready for the language model: its ids, the input embeddings <c>[1, T, hidden]</c> with the image
/// embeddings in the placeholder slots, and its M-RoPE positions.
/// </summary>
internal sealed record MultimodalPrompt(long[] Ids, Tensor Embeddings, MultimodalPositions Positions) : IDisposable
{
    public void Dispose() => Embeddings.Dispose();
}
