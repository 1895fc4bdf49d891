using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Weights;
using TorchSharp;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// The Qwen-Image (Layered) VAE, single-frame path. Images are <c>[B, input_channels, 1, H, W]</c> in [-1, 1];
/// latents are <c>[B, z_dim, 1, H/8, W/8]</c>. Parameter names are the diffusers ones, so reference weights load strictly.
/// Inputs must already have the model's dtype and device.
/// </summary>
public sealed class AutoencoderKLQwenImage : nn.Module
{
    private readonly Encoder encoder;
    private readonly CausalConv3d quant_conv;
    private readonly CausalConv3d post_quant_conv;
    private readonly Decoder decoder;

    /// <summary>
    /// Builds the VAE with its parameters created in <paramref name="dtype"/> on <paramref name="device"/>, so loading
    /// bf16 weights for a GPU never holds an fp32 copy in host memory. Parameters need no gradients until the toolbox's
    /// Training.TrainingMode switches the module to training.
    /// </summary>
    public AutoencoderKLQwenImage(AutoencoderKLQwenImageConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(AutoencoderKLQwenImage))
    {
        config.Validate();
        Config = config;
        encoder = new Encoder(config, device, dtype);
        quant_conv = new CausalConv3d(config.ZDim * 2, config.ZDim * 2, 1, device, dtype);
        post_quant_conv = new CausalConv3d(config.ZDim, config.ZDim, 1, device, dtype);
        decoder = new Decoder(config, device, dtype);
        RegisterComponents();
        foreach (var parameter in parameters())
            parameter.requires_grad = false;
        eval();
    }

    public AutoencoderKLQwenImageConfig Config { get; }

    /// <summary>Builds the <c>vae</c> component of a diffusers model folder and loads its weights strictly.</summary>
    public static AutoencoderKLQwenImage FromPretrained(ModelFolder model, ScalarType dtype, Device device) =>
        FromPretrained(model.Component("vae").Folder, dtype, device);

    /// <summary>
    /// Reads <c>config.json</c> and the safetensors weights of a diffusers <c>vae/</c> folder, strictly: built directly in
    /// <paramref name="dtype"/> on <paramref name="device"/>, then filled tensor by tensor.
    /// </summary>
    public static AutoencoderKLQwenImage FromPretrained(string vaeFolder, ScalarType dtype, Device device)
    {
        var config = ConfigFile.Read<AutoencoderKLQwenImageConfig>(Path.Combine(vaeFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(vaeFolder);
        return ModuleWeights.BuildFilled(() => new AutoencoderKLQwenImage(config, device, dtype),
            model => model.LoadWeights(checkpoint, dtype, device));
    }

    /// <summary>Encodes images <c>[B, input_channels, 1, H, W]</c> to the latent posterior.</summary>
    internal LatentPosterior Encode(Tensor image)
    {
        CheckSingleFrame(image, Config.InputChannels, "image");
        using var noGrad = NoGradUnlessTraining();
        return new LatentPosterior(EncodeParameters(image));
    }

    // quant_conv(encoder(x)) as [B, 2·z_dim, 1, h, w]; its own scope so the posterior's views outlive it.
    private Tensor EncodeParameters(Tensor image)
    {
        using var scope = NewDisposeScope();
        return quant_conv.forward(encoder.forward(image.squeeze(2))).unsqueeze(2).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes latents <c>[B, z_dim, 1, h, w]</c> to images clamped to [-1, 1].</summary>
    public Tensor Decode(Tensor latents)
    {
        CheckSingleFrame(latents, Config.ZDim, "latents");
        using var scope = NewDisposeScope();
        using var noGrad = NoGradUnlessTraining();
        return DecodeFrame(latents.squeeze(2)).unsqueeze(2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decodes in overlapping latent tiles blended linearly (see <see cref="VaeTiling"/> for the rule), bounding peak
    /// activation memory by the tile size. Falls back to <see cref="Decode"/> when the latents fit in one tile.
    /// </summary>
    internal Tensor DecodeTiled(Tensor latents, VaeTiling tiling)
    {
        CheckSingleFrame(latents, Config.ZDim, "latents");
        using var scope = NewDisposeScope();
        using var noGrad = NoGradUnlessTraining();
        return tiling.Decode(latents.squeeze(2), DecodeFrame, Config.SpatialCompression).unsqueeze(2).MoveToOuterDisposeScope();
    }

    /// <summary><c>(z - latents_mean) / latents_std</c> per channel: what the pipeline feeds the transformer.</summary>
    public Tensor NormalizeLatents(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(latents);
        return ((latents - mean) / std).MoveToOuterDisposeScope();
    }

    /// <summary><c>z · latents_std + latents_mean</c> per channel: undoes <see cref="NormalizeLatents"/> before decoding.</summary>
    public Tensor DenormalizeLatents(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(latents);
        return (latents * std).Plus(mean).MoveToOuterDisposeScope();
    }

    // One frame [N, z, h, w] to a clamped image [N, C, 8h, 8w]; also the per-tile decoder of DecodeTiled.
    private Tensor DecodeFrame(Tensor latents) => decoder.forward(post_quant_conv.forward(latents)).clamp_(Kept(-1.0), Kept(1.0));

    // Inference unless the module was switched to training (the toolbox's Training.TrainingMode), which needs the autograd graph.
    private IDisposable? NoGradUnlessTraining() => training ? null : no_grad();

    private (Tensor Mean, Tensor Std) LatentStatistics(Tensor latents)
    {
        long[] shape = [1, Config.ZDim, .. Enumerable.Repeat(1L, (int)latents.dim() - 2)];
        var mean = tensor(Config.LatentsMean, device: latents.device).to(latents.dtype).view(shape);
        var std = tensor(Config.LatentsStd, device: latents.device).to(latents.dtype).view(shape);
        return (mean, std);
    }

    private static void CheckSingleFrame(Tensor x, long channels, string what)
    {
        if (x.dim() != 5 || x.shape[1] != channels || x.shape[2] != 1)
            throw new ArgumentException(
                $"{what} must be [B, {channels}, 1, H, W] (one frame; fold frames or layers into the batch), got {ShapeFormat.Of(x.shape)}.", what);
    }
}
