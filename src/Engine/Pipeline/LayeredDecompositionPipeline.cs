using System.Diagnostics;
using QwenLayered.Engine.Guidance;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Memory;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Refinement;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>
/// Qwen-Image-Layered's decomposition: the image is encoded by the RGBA-VAE as a condition frame; L+1 noise frames
/// (a composite, then the layers) are denoised by the transformer with flow-matching Euler steps; the composite is
/// dropped and each layer decoded to RGBA. Reports progress each step, previews when due, and each layer as soon as
/// it is ready (decoded, or refined at the source's resolution once all are decoded); stops between steps when cancelled, and with <see cref="NonFiniteValuesException"/> when the
/// encoded image, the sampled latents or a decoded layer holds NaN or infinite values.
/// </summary>
/// <param name="imageGuidance">Null samples with the plain velocity (the published model).</param>
public sealed class LayeredDecompositionPipeline(
    QwenImageTransformer2DModel transformer, AutoencoderKLQwenImage vae, SchedulerConfig scheduler, Device device,
    ImageGuidance? imageGuidance = null) : IDisposable
{
    public QwenImageTransformer2DModel Transformer { get; } = transformer;
    public AutoencoderKLQwenImage Vae { get; } = vae;
    public Device Device { get; } = device;
    public ImageGuidance? ImageGuidance { get; } = imageGuidance;

    /// <summary>Sees every run's stages when set; null (the default) for plain inference.</summary>
    internal IDecompositionObserver? Observer { get; set; }

    /// <summary>Loads the transformer (laid out for <paramref name="memory"/>), VAE and scheduler of a diffusers model folder in <paramref name="dtype"/>.</summary>
    public static LayeredDecompositionPipeline FromPretrained(ModelFolder model, ScalarType dtype, Device device, ImageGuidance? imageGuidance = null,
        MemoryMode memory = MemoryModes.Default)
    {
        var scheduler = model.Component("scheduler").ReadConfig<SchedulerConfig>();
        var vae = AutoencoderKLQwenImage.FromPretrained(model, dtype, device);
        try
        {
            return new LayeredDecompositionPipeline(QwenImageTransformer2DModel.FromPretrained(model, dtype, device, memory.TransformerBlocks()), vae, scheduler, device, imageGuidance);
        }
        catch
        {
            vae.Dispose();
            throw;
        }
    }

    public DecompositionResult Run(DecompositionInput input, Action<DecompositionEvent>? onEvent = null,
        CancellationToken cancellation = default) =>
        RunBatch([input], onEvent is null ? null : (_, e) => onEvent(e), cancellation)[0];

    /// <summary>
    /// Runs several jobs of the same shape (see <see cref="SamplingBatch"/>) as one batch: one VAE encode, one transformer
    /// forward per step for all of them, then each job's layers. Events carry the job's index in
    /// <paramref name="inputs"/>; every result gets the batch's phase timings.
    /// </summary>
    public IReadOnlyList<DecompositionResult> RunBatch(IReadOnlyList<DecompositionInput> inputs, Action<int, DecompositionEvent>? onEvent = null,
        CancellationToken cancellation = default)
    {
        var batch = SamplingBatch.Of(inputs);
        if (batch.Size.VaeScaleFactor != Vae.Config.SpatialCompression)
            throw new ArgumentException($"The working size {batch.Size.Width}x{batch.Size.Height} was computed for {batch.Size.VaeScaleFactor} px a latent; " +
                $"this model's VAE has {Vae.Config.SpatialCompression}. Compute it with the model's VaeScaleFactor.");
        var settings = batch.Settings;
        var total = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var vaeDtype = Vae.parameters().First().dtype;
        var size = batch.Size;
        int frames = settings.Layers + 1;

        var phase = Stopwatch.StartNew();
        var imageLatents = EncodeCondition(batch, vaeDtype);
        // Phase ends wait for the device (never inside the step loop), so the timings are honest on a GPU too.
        DeviceSync.Wait(Device);
        var encodeTime = phase.Elapsed;
        RequireFinite(imageLatents, "The VAE encoded the image to");

        var latents = InitialLatents(batch, frames, imageLatents);
        var schedule = FlowMatchEulerScheduler.Create(scheduler, settings.Steps, FlowMatchEulerScheduler.Mu((int)imageLatents.shape[1]));
        Observer?.SamplingStarts(latents, schedule);
        // The reference rounds each timestep to the latents' dtype before dividing by 1000. Built once: a tensor made
        // from a host value inside the loop would be a host-to-device copy, which waits for the device, every step.
        var sigmas = tensor(schedule.Timesteps, device: Device).to(latents.dtype) / Kept(1000f);
        var grid = new TokenGrid(1, size.LatentHeight / 2, size.LatentWidth / 2);
        using var velocity = new GuidedVelocity(Transformer, [.. Enumerable.Repeat(grid, frames + 1)],
            batch.Prompts, batch.NegativePrompts, settings, Device, ImageGuidance);
        var previews = settings.PreviewEverySteps > 0
            ? new PreviewRenderer(Vae, vaeDtype, size, frames, settings.PreviewMaxEdge)
            : null;
        var pending = new List<(int Job, PendingPreviews Previews)>();

        phase.Restart();
        for (int i = 0; i < settings.Steps; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var step = NewDisposeScope();
            var guided = velocity.Predict(latents, imageLatents, sigmas[i].reshape(1), schedule.Sigmas[i]);
            Report(pending, onEvent, waitForAll: false);
            if (previews is not null && ((i + 1) % settings.PreviewEverySteps == 0 || i + 1 == settings.Steps))
                for (int job = 0; job < batch.Count; job++)
                    pending.Add((job, previews.Start(latents[job..(job + 1)], guided[job..(job + 1)], schedule.Sigmas[i], i + 1)));
            var next = schedule.Step(guided, i, latents);
            Observer?.Stepped(i, guided, next);
            latents.Dispose();
            latents = next.DetachFromDisposeScope();
            var elapsed = phase.Elapsed;
            var progress = new SamplingProgress(i + 1, settings.Steps, elapsed, elapsed / (i + 1) * (settings.Steps - i - 1));
            for (int job = 0; job < batch.Count; job++) onEvent?.Invoke(job, progress);
        }
        Report(pending, onEvent, waitForAll: true);
        DeviceSync.Wait(Device);
        var samplingTime = phase.Elapsed;
        RequireFinite(latents, "Sampling produced");

        phase.Restart();
        var layers = Enumerable.Range(0, batch.Count).Select(job => Decode(latents[job..(job + 1)], frames, size, vaeDtype,
            batch.Inputs[job].Image, settings, onEvent is null ? null : e => onEvent(job, e), cancellation)).ToList();
        latents.Dispose();
        PhaseTiming[] timings =
        [
            new PhaseTiming("vae_encode", encodeTime),
            new PhaseTiming("sampling", samplingTime),
            new PhaseTiming("vae_decode", phase.Elapsed),
            new PhaseTiming("total", total.Elapsed),
        ];
        int cachedSteps = velocity.CachedSteps;
        return [.. layers.Select((jobLayers, job) =>
        {
            var (width, height) = settings.Canvas(batch.Inputs[job].Image.Width, batch.Inputs[job].Image.Height, size);
            return new DecompositionResult(width, height, jobLayers, timings) { CachedSteps = cachedSteps };
        })];
    }

    // Raises the previews read back so far (all of them when asked), on the sampling thread, in the order queued.
    private static void Report(List<(int Job, PendingPreviews Previews)> pending, Action<int, DecompositionEvent>? onEvent, bool waitForAll)
    {
        while (pending.Count > 0 && (waitForAll || pending[0].Previews.IsReady))
        {
            var (job, previews) = pending[0];
            pending.RemoveAt(0);
            foreach (var preview in previews.Wait()) onEvent?.Invoke(job, preview);
        }
    }

    // The condition frames: VAE posterior means, normalised, packed as one frame of tokens per job.
    private Tensor EncodeCondition(SamplingBatch batch, ScalarType vaeDtype)
    {
        var image = cat([.. batch.Inputs.Select(input => ImagePreprocessing.ToVaeInput(input.Image, input.Size))], 0).to(vaeDtype, Device);
        using var posterior = Vae.Encode(image);
        var normalized = Vae.NormalizeLatents(posterior.Mean).to(Transformer.Dtype);
        var packed = LatentPacking.Pack(normalized.permute(0, 2, 1, 3, 4));
        Observer?.ConditionEncoded(image, posterior.Mean, packed);
        return packed;
    }

    // Noise for the composite and every layer of each job, from its seed unless the caller supplies it.
    private Tensor InitialLatents(SamplingBatch batch, int frames, Tensor imageLatents)
    {
        long channels = imageLatents.shape[2] / 4;
        var size = batch.Size;
        long[] expected = [1, frames * imageLatents.shape[1], imageLatents.shape[2]];
        var latents = cat([.. batch.Inputs.Select(input =>
        {
            if (input.Noise is not { } noise)
            {
                using var generator = new Generator(input.Settings.Seed);
                return LatentPacking.Pack(SeededRandom.Normal([1, frames, channels, size.LatentHeight, size.LatentWidth],
                    generator, Device, Transformer.Dtype));
            }
            if (!noise.shape.SequenceEqual(expected))
                throw new ArgumentException($"The supplied noise is [{string.Join(", ", noise.shape)}]; this image and layer count need [{string.Join(", ", expected)}].");
            return noise.to(Transformer.Dtype, Device);
        })], 0);
        return latents.DetachFromDisposeScope();
    }

    // Decodes one layer at a time, so peak memory holds one layer's activations. At the working size each layer is
    // reported as soon as it is decoded; at full resolution all of them are refined against the image together.
    private List<DecodedLayer> Decode(Tensor latents, int frames, WorkingSize size, ScalarType vaeDtype, RgbaImage image,
        DecompositionSettings settings, Action<DecompositionEvent>? onEvent, CancellationToken cancellation)
    {
        using var scope = NewDisposeScope();
        var perLayer = LatentLayers.ForDecoding(latents, frames, size, Vae, vaeDtype);
        var layers = new List<DecodedLayer>();
        var decoded = new List<Tensor>();
        for (int index = 0; index < perLayer.shape[0]; index++)
        {
            cancellation.ThrowIfCancellationRequested();
            var layer = Vae.Decode(perLayer[index..(index + 1)]).squeeze(2);
            RequireFinite(layer, $"The VAE decoded layer {index + 1} to");
            Observer?.LayerDecoded(index, perLayer[index..(index + 1)], layer);
            if (settings.FullResolution)
            {
                decoded.Add(layer);
                continue;
            }
            var output = LayerResize.ToOutputSize(layer, size);
            var working = LayerCrop.ToAlphaBounds(index, size.OutputWidth, size.OutputHeight, LayerImages.ToRgba8(output)[0],
                settings.SixteenBit ? LayerImages.ToRgba16(output)[0] : null);
            layers.Add(working);
            onEvent?.Invoke(working);
        }
        if (!settings.FullResolution) return layers;
        cancellation.ThrowIfCancellationRequested();
        layers.AddRange(LayerRefinement.Refine(image, cat(decoded, 0), settings.SixteenBit)
            .Select((refined, index) => new DecodedLayer(index, refined.Width, refined.Height, refined.Rgba8, refined.Rgba16) { X = refined.X, Y = refined.Y }));
        foreach (var layer in layers) onEvent?.Invoke(layer);
        return layers;
    }

    // Checked only where the host waits for the device anyway (phase ends, each layer's read-back), never between
    // steps: a NaN or infinity in the latents stays one through every later step, so the sampled latents show any step's.
    private void RequireFinite(Tensor values, string what)
    {
        if (!FiniteValues.All([values]))
            throw new NonFiniteValuesException($"{what} NaN or infinite values ({values.dtype} on {Device}), which would make black or " +
                $"garbage layers, so the decomposition stopped. The model's weights may hold such values, or overflow in {values.dtype}.");
    }

    public void Dispose()
    {
        Transformer.Dispose();
        Vae.Dispose();
    }
}
