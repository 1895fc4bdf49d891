using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>QwenImageDecoder3d</c> on single frames. Stage widths run <c>base·[mult[-1], mult reversed...]</c>; each
/// upsampler halves the channels, so every stage after the first starts from half the previous width.
/// </summary>
internal sealed class Decoder : nn.Module<Tensor, Tensor>
{
    private readonly CausalConv3d conv_in;
    private readonly MidBlock mid_block;
    private readonly ModuleList<UpBlock> up_blocks;
    private readonly ChannelL2Norm norm_out;
    private readonly CausalConv3d conv_out;

    public Decoder(AutoencoderKLQwenImageConfig config, Device? device, ScalarType dtype) : base(nameof(Decoder))
    {
        int[] mult = config.DimMult;
        long[] dims = [.. new[] { mult[^1] }.Concat(mult.Reverse()).Select(m => (long)config.BaseDim * m)];
        bool[] temporalUpsample = [.. config.TemperalDownsample.Reverse()];
        conv_in = new CausalConv3d(config.ZDim, dims[0], 3, device, dtype);
        mid_block = new MidBlock(dims[0], device, dtype);
        up_blocks = nn.ModuleList<UpBlock>();
        for (int stage = 0; stage < mult.Length; stage++)
        {
            long inDim = stage > 0 ? dims[stage] / 2 : dims[stage];
            ResampleMode? upsample = stage == mult.Length - 1 ? null
                : temporalUpsample[stage] ? ResampleMode.Upsample3d : ResampleMode.Upsample2d;
            up_blocks.Add(new UpBlock(inDim, dims[stage + 1], config.NumResBlocks, upsample, device, dtype));
        }
        norm_out = new ChannelL2Norm(dims[^1], images: false, device, dtype);
        conv_out = new CausalConv3d(dims[^1], config.InputChannels, 3, device, dtype);
        RegisterComponents();
    }

    /// <summary><c>[N, z_dim, h, w]</c> (after <c>post_quant_conv</c>) to <c>[N, input_channels, 8h, 8w]</c>, not clamped.</summary>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = mid_block.forward(conv_in.forward(z));
        foreach (var block in up_blocks) h = block.forward(h);
        return conv_out.forward(nn.functional.silu(norm_out.forward(h))).MoveToOuterDisposeScope();
    }
}
