using System.Text.Json;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>pipeline</c> cases: the whole decomposition with the case's transformer, VAE and scheduler, its image, noise
/// and prompt embeddings, and the call's layers, steps, guidance and target area. Every stored intermediate (names as
/// <see cref="PipelineTaps"/> reads them) is checked as it is produced.
/// </summary>
public sealed class PipelineVerifier() : ComponentVerifier("pipeline")
{
    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var call = fixture.Manifest.GetProperty("runner_call");
        using var modules = new PipelineModules(
            ConfigFile.FromElement<QwenImageTransformerConfig>(fixture.ManifestPath, fixture.Config.GetProperty("transformer")),
            ConfigFile.FromElement<AutoencoderKLQwenImageConfig>(fixture.ManifestPath, fixture.Config.GetProperty("vae")),
            device, dtype);
        using (var checkpoint = Checkpoint.Open(fixture.WeightsPath)) modules.LoadWeights(checkpoint, dtype, device);
        var scheduler = ConfigFile.FromElement<SchedulerConfig>(fixture.ManifestPath, fixture.Config.GetProperty("scheduler"));
        var pipeline = new LayeredDecompositionPipeline(modules.Transformer, modules.Vae, scheduler, device);

        var image = Image(fixture);
        var input = new DecompositionInput(
            image,
            WorkingSize.ForArea(image.Width, image.Height, call.GetProperty("target_area").GetInt64(), modules.Vae.Config.SpatialCompression),
            Prompt(fixture, "prompt_embeds", device)!,
            new DecompositionSettings
            {
                Layers = call.GetProperty("layers").GetInt32(),
                Steps = call.GetProperty("num_inference_steps").GetInt32(),
                GuidanceScale = call.GetProperty("true_cfg_scale").GetSingle(),
                NormalizeGuidance = call.GetProperty("cfg_normalize").GetBoolean(),
                // The reference makes layers at the working size; the taps compare them before any refinement anyway.
                FullResolution = false,
            })
        {
            NegativePrompt = Prompt(fixture, "negative_prompt_embeds", device),
            Noise = fixture.Input("latents_packed", ScalarType.Float32, device),
        };

        var results = new Dictionary<string, ParityResult>(StringComparer.Ordinal);
        using (var taps = new PipelineTaps(pipeline, (name, value) => fixture.CheckIfListed(name, value, results)))
        {
            pipeline.Run(input);
            taps.Finish();
        }
        return fixture.InManifestOrder(results);
    }

    // input.image_rgba_u8: [H, W, 4] bytes stored as F32.
    private static RgbaImage Image(FixtureCase fixture)
    {
        using var pixels = fixture.Input("image_rgba_u8", ScalarType.Float32, CPU);
        var bytes = pixels.round().to(ScalarType.Byte).data<byte>().ToArray();
        return new RgbaImage((int)pixels.shape[1], (int)pixels.shape[0], bytes);
    }

    private static PromptEmbedding? Prompt(FixtureCase fixture, string name, Device device)
    {
        if (!fixture.InputNames.Contains(name)) return null;
        var mask = fixture.InputNames.Contains(name + "_mask") ? fixture.Input(name + "_mask", ScalarType.Float32, device).to(ScalarType.Int64) : null;
        return new PromptEmbedding(fixture.Input(name, ScalarType.Float32, device), mask);
    }

    /// <summary>The pipeline's two modules under the checkpoint's prefixes (<c>transformer.</c>, <c>vae.</c>), loaded strictly together.</summary>
    private sealed class PipelineModules : nn.Module
    {
        private readonly QwenImageTransformer2DModel transformer;
        private readonly AutoencoderKLQwenImage vae;

        public PipelineModules(QwenImageTransformerConfig transformerConfig, AutoencoderKLQwenImageConfig vaeConfig, Device device, ScalarType dtype)
            : base(nameof(PipelineModules))
        {
            transformer = new QwenImageTransformer2DModel(transformerConfig, device, dtype);
            vae = new AutoencoderKLQwenImage(vaeConfig, device, dtype);
            RegisterComponents();
        }

        public QwenImageTransformer2DModel Transformer => transformer;
        public AutoencoderKLQwenImage Vae => vae;
    }
}
