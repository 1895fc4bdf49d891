using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageEncoder3d</c> on single frames. <c>down_blocks</c> is one flat list in the reference order: per stage,
/// <c>num_res_blocks</c> residual blocks (each followed by attention when the stage's scale is in <c>attn_scales</c>),
/// then a downsampler except after the last stage.
/// </summary>
internal sealed class Encoder : nn.Module<Tensor, Tensor>
{
    private readonly CausalConv3d conv_in;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> down_blocks;
    private readonly MidBlock mid_block;
    private readonly ChannelL2Norm norm_out;
    private readonly CausalConv3d conv_out;

    public Encoder(AutoencoderKLQwenImageConfig config, Device? device, ScalarType dtype) : base(nameof(Encoder))
    {
        long[] dims = [.. new[] { 1 }.Concat(config.DimMult).Select(m => (long)config.BaseDim * m)];
        conv_in = new CausalConv3d(config.InputChannels, dims[0], 3, device, dtype);
        down_blocks = nn.ModuleList<nn.Module<Tensor, Tensor>>();
        double scale = 1.0;
        for (int stage = 0; stage < config.DimMult.Length; stage++)
        {
            long inDim = dims[stage], outDim = dims[stage + 1];
            for (int block = 0; block < config.NumResBlocks; block++)
            {
                down_blocks.Add(new ResidualBlock(inDim, outDim, device, dtype));
                if (config.AttnScales.Contains(scale)) down_blocks.Add(new AttentionBlock(outDim, device, dtype));
                inDim = outDim;
            }
            if (stage == config.DimMult.Length - 1) continue;
            down_blocks.Add(new Resample(outDim, config.TemperalDownsample[stage] ? ResampleMode.Downsample3d : ResampleMode.Downsample2d, device, dtype));
            scale /= 2.0;
        }
        mid_block = new MidBlock(dims[^1], device, dtype);
        norm_out = new ChannelL2Norm(dims[^1], images: false, device, dtype);
        conv_out = new CausalConv3d(dims[^1], config.ZDim * 2, 3, device, dtype);
        RegisterComponents();
    }

    /// <summary><c>[N, input_channels, H, W]</c> to <c>[N, 2·z_dim, H/8, W/8]</c> (before <c>quant_conv</c>).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(x);
        foreach (var block in down_blocks) h = block.forward(h);
        h = mid_block.forward(h);
        return conv_out.forward(nn.functional.silu(norm_out.forward(h))).MoveToOuterDisposeScope();
    }
}
