using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Transformer;

/// <summary>
/// diffusers <c>QwenImageTransformer2DModel</c> (the Qwen-Image MMDiT; with <c>use_layer3d_rope</c> and
/// <c>use_additional_t_cond</c> the Qwen-Image-Layered VLD-MMDiT). Parameter names match the diffusers state dict.
/// Device and dtype are fixed at construction; <see cref="forward"/> moves no activations between devices, and moves the
/// weights only to come back from host memory after <see cref="LeaveDevice"/>. One forward at a time per instance (the RoPE
/// table cache is not synchronised).
/// </summary>
public sealed class QwenImageTransformer2DModel : nn.Module<QwenImageTransformerInput, Tensor>, IDeviceTenant
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
    private readonly BlockStream? stream;
    private bool onHost;

    /// <param name="layout">How the blocks hold their weights (null: dense on <paramref name="device"/>).</param>
    /// <param name="fillBlock">Fills block i's weights right after it is built, before <paramref name="layout"/> finishes it
    /// (quantizes it or moves it to host memory); the other modules are left to the caller.</param>
    public QwenImageTransformer2DModel(QwenImageTransformerConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32,
        TransformerLayout? layout = null, Action<int, nn.Module>? fillBlock = null)
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
        transformer_blocks = nn.ModuleList([.. Enumerable.Range(0, config.NumLayers).Select(index =>
        {
            var block = NewBlock();
            fillBlock?.Invoke(index, block);
            layout?.Finish(block);
            return block;
        })]);
        norm_out = new AdaLayerNormContinuous(dim, OutputNormEps, device, dtype);
        proj_out = nn.Linear(dim, config.ProjOutChannels, device: device, dtype: dtype);
        RegisterComponents();
        foreach (var parameter in parameters())
            parameter.requires_grad = false;
        eval();
        Layout = layout ?? new TransformerLayout(BlockWeights.Dense, device ?? CPU);
        if (Layout.Blocks == BlockWeights.Host) stream = new BlockStream(transformer_blocks, NewBlock);

        QwenImageTransformerBlock NewBlock() => new(dim, config.NumAttentionHeads, config.AttentionHeadDim, device, dtype);
    }

    /// <summary>Builds the <c>transformer</c> component of a diffusers model folder and loads its weights strictly.</summary>
    public static QwenImageTransformer2DModel FromPretrained(ModelFolder model, ScalarType dtype, Device device, BlockWeights blocks = BlockWeights.Dense) =>
        FromPretrained(model.Component("transformer").Folder, dtype, device, blocks);

    /// <summary>
    /// Loads a diffusers <c>transformer</c> folder (<c>config.json</c> plus one safetensors file or a sharded index):
    /// built directly in <paramref name="dtype"/> on <paramref name="device"/>, then strictly loaded tensor by tensor. With int8
    /// or host <paramref name="blocks"/> each block is loaded and finished as it is built.
    /// </summary>
    public static QwenImageTransformer2DModel FromPretrained(string transformerFolder, ScalarType dtype, Device device, BlockWeights blocks = BlockWeights.Dense)
    {
        var config = ConfigFile.Read<QwenImageTransformerConfig>(Path.Combine(transformerFolder, "config.json"));
        using var checkpoint = Checkpoint.Open(transformerFolder);
        var layout = new TransformerLayout(blocks, device);
        if (layout.IsDense)
            return ModuleWeights.BuildFilled(() => new QwenImageTransformer2DModel(config, device, dtype, layout),
                model => model.LoadWeights(checkpoint, dtype, device));

        // The names are checked on the dense shape built on the meta device (no memory), before any block is loaded.
        using (var shape = new QwenImageTransformer2DModel(config, META, dtype))
            ModuleWeights.CheckNames(checkpoint, shape.state_dict().Keys);
        return ModuleWeights.BuildFilled(
            () => new QwenImageTransformer2DModel(config, device, dtype, layout,
                (index, block) => ModuleWeights.Fill(checkpoint, Prefixed(block, $"{BlocksName}.{index}."))),
            model => ModuleWeights.Fill(checkpoint, model.state_dict().Where(weight => !weight.Key.StartsWith(BlocksName + ".", StringComparison.Ordinal))));
    }

    private const string BlocksName = nameof(transformer_blocks);

    private static IEnumerable<KeyValuePair<string, Tensor>> Prefixed(nn.Module module, string prefix) =>
        module.state_dict().Select(weight => KeyValuePair.Create(prefix + weight.Key, weight.Value));

    public QwenImageTransformerConfig Config { get; }

    /// <summary>The dtype of the weights and of every activation between modules.</summary>
    public ScalarType Dtype { get; }

    /// <summary>How the blocks hold their weights.</summary>
    public TransformerLayout Layout { get; }

    internal IList<QwenImageTransformerBlock> Blocks => transformer_blocks;

    /// <summary>The turns this transformer takes on the device with the text encoder; null while it stays there.</summary>
    public DeviceTurns? Turns { get; set; }

    /// <summary>Whether the weights are on <see cref="TransformerLayout.Device"/> (false after <see cref="LeaveDevice"/>, until the next forward).</summary>
    public bool OnDevice => !onHost;

    /// <summary>Moves the weights to host memory; the next forward brings them back.</summary>
    /// <exception cref="InvalidOperationException">The blocks are streamed, so they live in host memory already.</exception>
    public void LeaveDevice()
    {
        if (Layout.Blocks == BlockWeights.Host)
            throw new InvalidOperationException("A streamed transformer keeps its blocks in host memory already; only the other layouts leave the device.");
        if (onHost) return;
        this.to(CPU);
        onHost = true;
    }

    /// <summary>The device blocks streamed weights run in; empty unless the layout streams.</summary>
    internal IReadOnlyList<QwenImageTransformerBlock> StreamSlots => stream?.DeviceBlocks ?? [];

    /// <summary>
    /// Velocity prediction [B, S_img, patch²·out_channels] in <see cref="Dtype"/> for every image token. Submodules run
    /// through <c>call</c>, so forward hooks on them (parity checks, debugging) see their inputs and outputs.
    /// </summary>
    public override Tensor forward(QwenImageTransformerInput input)
    {
        var (batch, imageLength, textLength) = TransformerInputCheck.Shapes(input, Config);
        TakeTurn();
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
            // Streamed: block i's weights in a device slot, block i+1's copy already issued.
            var block = stream?.Ready(i) ?? transformer_blocks[i];
            var (nextText, nextImage) = block.call(image, text, temb, rope, keyMask);
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

    // Takes the device back from the text encoder (which leaves first) when the two take turns.
    private void TakeTurn()
    {
        Turns?.Take(this);
        if (!onHost) return;
        this.to(Layout.Device);
        onHost = false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pos_embed.Dispose();
            stream?.Dispose();
        }
        base.Dispose(disposing);
    }
}
