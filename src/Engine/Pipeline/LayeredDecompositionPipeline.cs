using System.Diagnostics;
using QwenLayered.Engine.Models;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Qwen-Image-Layered's decomposition: the image is encoded by the RGBA-VAE as a condition frame; L+1 noise frames
/// (a composite, then the layers) are denoised by the transformer with flow-matching Euler steps; the composite is
/// dropped and each layer decoded to RGBA. Reports progress each step, previews when due, and each layer as soon as
/// it is decoded; stops between steps when cancelled.
/// </summary>
public sealed class LayeredDecompositionPipeline(
    QwenImageTransformer2DModel transformer, AutoencoderKLQwenImage vae, SchedulerConfig scheduler, Device device) : IDisposable
{
    public QwenImageTransformer2DModel Transformer { get; } = transformer;
    public AutoencoderKLQwenImage Vae { get; } = vae;
    public Device Device { get; } = device;

    /// <summary>Loads the transformer, VAE and scheduler of a diffusers model folder in <paramref name="dtype"/>.</summary>
    public static LayeredDecompositionPipeline FromPretrained(ModelFolder model, ScalarType dtype, Device device)
    {
        var scheduler = model.Component("scheduler").ReadConfig<SchedulerConfig>();
        var vae = AutoencoderKLQwenImage.FromPretrained(model, dtype, device);
        try
        {
            return new LayeredDecompositionPipeline(QwenImageTransformer2DModel.FromPretrained(model, dtype, device), vae, scheduler, device);
        }
        catch
        {
            vae.Dispose();
            throw;
        }
    }

    public DecompositionResult Run(DecompositionInput input, Action<DecompositionEvent>? onEvent = null,
        CancellationToken cancellation = default, PipelineTrace? trace = null)
    {
        var settings = input.Settings;
        settings.Validate();
        var total = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var vaeDtype = Vae.parameters().First().dtype;
        var size = input.Size;
        int frames = settings.Layers + 1;

        var phase = Stopwatch.StartNew();
        var imageLatents = EncodeCondition(input, vaeDtype, trace);
        var encodeTime = phase.Elapsed;

        var latents = InitialLatents(input, frames, imageLatents, trace);
        var schedule = Schedule(settings.Steps, (int)imageLatents.shape[1], trace);
        var grid = new TokenGrid(1, size.LatentHeight / 2, size.LatentWidth / 2);
        using var velocity = new GuidedVelocity(Transformer, [.. Enumerable.Repeat(grid, frames + 1)],
            input.Prompt, input.NegativePrompt, settings, Device);
        var previews = settings.PreviewEverySteps > 0
            ? new PreviewRenderer(Vae, vaeDtype, size, frames, settings.PreviewMaxEdge)
            : null;

        trace?.Invoke("additional_t_cond", zeros(1));

        phase.Restart();
        for (int i = 0; i < settings.Steps; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            trace?.Invoke($"step{i}.scheduler_timestep", tensor(new[] { schedule.Timesteps[i] }));
            // The reference rounds the timestep to the latents' dtype before dividing by 1000.
            var sigma = (tensor(schedule.Timesteps[i], device: Device).to(latents.dtype) / 1000f).reshape(1);
            var guided = velocity.Predict(latents, imageLatents, sigma, i, trace);
            if (previews is not null && ((i + 1) % settings.PreviewEverySteps == 0 || i + 1 == settings.Steps))
                foreach (var preview in previews.Render(latents, guided, schedule.Sigmas[i], i + 1)) onEvent?.Invoke(preview);
            var next = schedule.Step(guided, i, latents);
            trace?.Invoke($"step{i}.latents", next);
            latents.Dispose();
            latents = next.DetachFromDisposeScope();
            var elapsed = phase.Elapsed;
            onEvent?.Invoke(new SamplingProgress(i + 1, settings.Steps, elapsed, elapsed / (i + 1) * (settings.Steps - i - 1)));
        }
        var samplingTime = phase.Elapsed;

        phase.Restart();
        var layers = Decode(latents, frames, size, vaeDtype, settings.SixteenBit, onEvent, cancellation, trace);
        latents.Dispose();
        return new DecompositionResult(size.Width, size.Height, layers,
        [
            new PhaseTiming("vae_encode", encodeTime),
            new PhaseTiming("sampling", samplingTime),
            new PhaseTiming("vae_decode", phase.Elapsed),
            new PhaseTiming("total", total.Elapsed),
        ]);
    }

    // The condition frame: VAE posterior mean, normalised, packed as one frame of tokens.
    private Tensor EncodeCondition(DecompositionInput input, ScalarType vaeDtype, PipelineTrace? trace)
    {
        var image = ImagePreprocessing.ToVaeInput(input.Image, input.Size).to(vaeDtype, Device);
        trace?.Invoke("preprocessed_image", image);
        using var posterior = Vae.Encode(image);
        trace?.Invoke("vae_encode_mean", posterior.Mean);
        var normalized = Vae.NormalizeLatents(posterior.Mean).to(Transformer.Dtype);
        var packed = LatentPacking.Pack(normalized.permute(0, 2, 1, 3, 4));
        trace?.Invoke("image_latents_packed", packed);
        return packed;
    }

    // Noise for the composite and every layer, from the seed unless the caller supplies it.
    private Tensor InitialLatents(DecompositionInput input, int frames, Tensor imageLatents, PipelineTrace? trace)
    {
        long channels = imageLatents.shape[2] / 4;
        var size = input.Size;
        Tensor latents;
        if (input.Noise is { } noise)
        {
            long[] expected = [1, frames * imageLatents.shape[1], imageLatents.shape[2]];
            if (!noise.shape.SequenceEqual(expected))
                throw new ArgumentException($"The supplied noise is [{string.Join(", ", noise.shape)}]; this image and layer count need [{string.Join(", ", expected)}].");
            latents = noise.to(Transformer.Dtype, Device);
        }
        else
        {
            using var generator = new Generator(input.Settings.Seed, Device);
            latents = LatentPacking.Pack(randn([1, frames, channels, size.LatentHeight, size.LatentWidth],
                dtype: Transformer.Dtype, device: Device, generator: generator));
        }
        trace?.Invoke("latents_init_packed", latents);
        return latents.DetachFromDisposeScope();
    }

    private FlowMatchEulerScheduler Schedule(int steps, int conditionTokens, PipelineTrace? trace)
    {
        float mu = FlowMatchEulerScheduler.Mu(conditionTokens);
        var schedule = FlowMatchEulerScheduler.Create(scheduler, steps, mu);
        if (trace is not null)
        {
            trace("mu", tensor(new[] { mu }));
            trace("input_sigmas", tensor(FlowMatchEulerScheduler.LinearGrid(steps)));
            trace("scheduler_timesteps", tensor(schedule.Timesteps));
            trace("scheduler_sigmas", tensor(schedule.Sigmas));
        }
        return schedule;
    }

    // Decodes one layer at a time, so peak memory holds one layer's activations and each layer is reported early.
    private List<DecodedLayer> Decode(Tensor latents, int frames, WorkingSize size, ScalarType vaeDtype, bool sixteenBit,
        Action<DecompositionEvent>? onEvent, CancellationToken cancellation, PipelineTrace? trace)
    {
        using var scope = NewDisposeScope();
        var perLayer = LatentLayers.ForDecoding(latents, frames, size, Vae, vaeDtype);
        trace?.Invoke("vae_decode_input", perLayer);
        var decodedLayers = new List<Tensor>();
        var layers = new List<DecodedLayer>();
        for (int index = 0; index < perLayer.shape[0]; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            var decoded = Vae.Decode(perLayer[index..(index + 1)]).squeeze(2);
            decodedLayers.Add(decoded);
            var layer = new DecodedLayer(index, size.Width, size.Height, LayerImages.ToRgba8(decoded)[0],
                sixteenBit ? LayerImages.ToRgba16(decoded)[0] : null);
            layers.Add(layer);
            onEvent?.Invoke(layer);
        }
        if (trace is not null)
        {
            var all = cat(decodedLayers, 0);
            trace("vae_decode_output", all.unsqueeze(2));
            trace("output_images", (all.to(ScalarType.Float32) * 0.5f + 0.5f).clamp(0f, 1f).permute(0, 2, 3, 1));
        }
        return layers;
    }

    public void Dispose()
    {
        Transformer.Dispose();
        Vae.Dispose();
    }
}
