using TorchSharp.Modules;
using static TorchSharp.torch;

namespace QwenLayered.Engine.QwenVL.Vision;

/// <summary>
/// Patch embedding: the reference's Conv3d with kernel = stride = (T, P, P) and no bias sees each patch row exactly
/// once, so it is a matrix product of the rows <c>(C, T, P, P)</c> with the flattened kernel. The kernel keeps its
/// checkpoint shape <c>[hidden, C, T, P, P]</c> under <c>proj.weight</c>.
/// </summary>
internal sealed class VisionPatchEmbed : nn.Module<Tensor, Tensor>
{
    private readonly Conv3d proj;

    public VisionPatchEmbed(Qwen25VLVisionConfig config, Device? device, ScalarType dtype) : base(nameof(VisionPatchEmbed))
    {
        var kernel = (config.TemporalPatchSize, config.PatchSize, config.PatchSize);
        proj = nn.Conv3d(config.Channels, config.HiddenSize, kernel, stride: kernel, bias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Patch rows <c>[patches, C·T·P·P]</c> → <c>[patches, hidden]</c> in the kernel's dtype.</summary>
    public override Tensor forward(Tensor patches)
    {
        using var scope = NewDisposeScope();
        var kernel = proj.weight!.flatten(1);
        if (patches.dim() != 2 || patches.shape[1] != kernel.shape[1])
            throw new ArgumentException($"pixel values must be [patches, {kernel.shape[1]}], got [{string.Join(", ", patches.shape)}].");
        return patches.to(kernel.dtype).matmul(kernel.t()).MoveToOuterDisposeScope();
    }
}
