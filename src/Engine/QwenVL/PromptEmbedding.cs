using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL;

/// <summary>
/// Prompt embeddings as the transformer takes them: <c>Embeds [B, L, hidden]</c> (the text encoder's last hidden state
/// without the template prefix, right-padded with zeros) and <c>Mask [B, L]</c> (int64, 1 = token), or a null mask when
/// every position is a token (always so for a single prompt), as diffusers' <c>encode_prompt</c> does.
/// </summary>
public sealed record PromptEmbedding(Tensor Embeds, Tensor? Mask) : IDisposable
{
    /// <summary>Number of text tokens, padding included.</summary>
    public long Length => Embeds.shape[1];

    public void Dispose()
    {
        Embeds.Dispose();
        Mask?.Dispose();
    }
}
