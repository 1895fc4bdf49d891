using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Weights;
using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// diffusers <c>QwenImageTransformer2DModel</c> (the Qwen-Image MMDiT; with <c>use_layer3d_rope</c> and
/// <c>use_additional_t_cond</c> the Qwen-Image-Layered VLD-MMDiT). Parameter names match the diffusers state dict.
/// Device and dtype are fixed at construction; <see cref="forward"/> never moves tensors between devices. One forward
/// at a time per instance (the RoPE table cache is not synchronised).
/// </summary>
public sealed class QwenImageTransformer2DModel : nn.Module<QwenImageTransformerInput, Tensor>
{
    private const double TextNormEps = 1e-6;
    private const double OutputNormEps = 1e-6;

    private readonly RotaryEmbedding pos_embed;
    private readonly TimestepProjEmbeddings time_text_embed;
    private readonly WeightDtypeRmsNorm txt_norm;
    private readonly Linear img_in;
    private readonly Linear txt_in;
    private readonly ModuleList<QwenImageTransformerBlock> transformer_blocks;
    private readonly AdaLayerNormContinuous norm_out;
    private readonly Linear proj_out;

    public QwenImageTransformer2DModel(QwenImageTransformerConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(QwenImageTransformer2DModel))
    {
        config.Validate();
        Config = config;
        Dtype = dtype;
        int dim = config.InnerDim;
        pos_embed = new RotaryEmbedding(config.AxesDimsRope, config.UseLayer3DRope, device);
        time_text_embed = new TimestepProjEmbeddings(dim, config.UseAdditionalTCond, device, dtype);
        txt_norm = new WeightDtypeRmsNorm(config.JointAttentionDim, TextNormEps, device, dtype);
        img_in = nn.Linear(config.InChannels, dim, device: device, dtype: dtype);
        txt_in = nn.Linear(config.JointAttentionDim, dim, device: device, dtype: dtype);
        transformer_blocks = nn.ModuleList([.. Enumerable.Range(0, config.NumLayers)
            .Select(_ => new QwenImageTransformerBlock(dim, config.NumAttentionHeads, config.AttentionHeadDim, device, dtype))]);
        norm_out = new AdaLayerNormContinuous(dim, OutputNormEps, device, dtype);
        proj_out = nn.Linear(dim, config.ProjOutChannels, device: device, dtype: dtype);
        RegisterComponents();
        foreach (var parameter in parameters())
            parameter.requires_grad = false;
        eval();
    }

    /// <summary>Builds the <c>transformer</c> component of a diffusers model folder and loads its weights strictly.</summary>
    public static QwenImageTransformer2DModel FromPretrained(ModelFolder model, ScalarType dtype, Device device) =>
        FromPretrained(model.Component("transformer").Folder, dtype, device);

    /// <summary>
    /// Loads a diffusers <c>transformer</c> folder (<c>config.json</c> plus one safetensors file or a sharded index):
    /// built directly in <paramref name="dtype"/> on <paramref name="device"/>, then strictly loaded tensor by tensor.
    /// </summary>
    public static QwenImageTransformer2DModel FromPretrained(string transformerFolder, ScalarType dtype, Device device)
    {
        var config = ConfigFile.Read<QwenImageTransformerConfig>(Path.Combine(transformerFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(transformerFolder);
        return ModuleWeights.BuildFilled(() => new QwenImageTransformer2DModel(config, device, dtype),
            model => model.LoadWeights(checkpoint, dtype, device));
    }

    public QwenImageTransformerConfig Config { get; }

    /// <summary>The dtype of the weights and of every activation between modules.</summary>
    public ScalarType Dtype { get; }

    /// <summary>
    /// Velocity prediction [B, S_img, patch²·out_channels] in <see cref="Dtype"/> for every image token. Submodules run
    /// through <c>call</c>, so forward hooks on them (parity checks, debugging) see their inputs and outputs.
    /// </summary>
    public override Tensor forward(QwenImageTransformerInput input)
    {
        var (batch, imageLength, textLength) = TransformerInputCheck.Shapes(input, Config);
        using var scope = NewDisposeScope();
        // Inference unless the module was switched to training (the toolbox's Training.TrainingMode), which needs the autograd graph.
        using var noGrad = training ? null : no_grad();

        var image = img_in.call(input.HiddenStates.to(Dtype));
        var text = txt_in.call(txt_norm.call(input.EncoderHiddenStates.to(Dtype)));
        var (_, temb) = time_text_embed.call(input.Timestep.to(Dtype), input.AdditionalTCond);
        var rope = pos_embed.For(input.ImageShapes, (int)textLength);

        var keyMask = input.EncoderHiddenStatesMask is { } mask
            ? cat([mask.ne(Kept(0)), ones(batch, imageLength, ScalarType.Bool, mask.device)], 1).view(batch, 1, 1, -1)
            : null;

        var stepCache = input.StepCache;
        for (int i = 0; i < transformer_blocks.Count; i++)
        {
            var (nextText, nextImage) = transformer_blocks[i].call(image, text, temb, rope, keyMask);
            var cached = i == 0 ? stepCache?.AfterFirstBlock(image, nextImage) : null;
            // Free each block's input as soon as it is replaced: 60 blocks of activations would not fit otherwise.
            image.Dispose();
            text.Dispose();
            (image, text) = (cached ?? nextImage, nextText);
            if (cached is not null) break;
        }
        stepCache?.AfterLastBlock(image);

        var normed = norm_out.call(image, temb);
        return proj_out.forward(normed).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            pos_embed.Dispose();
        base.Dispose(disposing);
    }
}
