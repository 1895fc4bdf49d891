using TorchSharp;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageAttentionBlock</c>: single-head self-attention over the spatial positions of each frame, q/k/v from one
/// 1×1 conv (channels split in thirds), a 1×1 output projection, and a residual connection.
/// </summary>
internal sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly ChannelL2Norm norm;
    private readonly Conv2dLayer to_qkv;
    private readonly Conv2dLayer proj;

    public AttentionBlock(long dim, Device? device, ScalarType dtype) : base(nameof(AttentionBlock))
    {
        norm = new ChannelL2Norm(dim, images: true, device, dtype);
        to_qkv = new Conv2dLayer(dim, dim * 3, 1, device, dtype);
        proj = new Conv2dLayer(dim, dim, 1, device, dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var qkv = to_qkv.forward(norm.forward(x)).reshape(n, 1, c * 3, h * w).permute(0, 1, 3, 2);
        var parts = qkv.chunk(3, dim: -1);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        var spatial = attended.squeeze(1).permute(0, 2, 1).reshape(n, c, h, w);
        return proj.forward(spatial).Plus(x).MoveToOuterDisposeScope();
    }
}
