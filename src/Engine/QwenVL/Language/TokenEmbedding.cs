using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>
/// A token-embedding table (<c>weight [vocab, hidden]</c>) looked up by id. TorchSharp's native nn.Embedding builds its
/// table on the CPU in float32 before moving it, seconds and gigabytes at the 7B size even for the meta device.
/// </summary>
internal sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;

    public TokenEmbedding(long vocabSize, long hiddenSize, Device? device, ScalarType dtype) : base(nameof(TokenEmbedding))
    {
        // Detached: a module built inside a caller's dispose scope must not lose its weights when that scope ends.
        weight = new Parameter(empty(vocabSize, hiddenSize, dtype: dtype, device: device).DetachFromDisposeScope(), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Ids of any shape → their rows, shape <c>[..., hidden]</c>.</summary>
    public override Tensor forward(Tensor ids) => weight.index_select(0, ids.flatten()).view([.. ids.shape, weight.shape[1]]);
}
