using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Sampling;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using QwenLayered.Toolbox.Training.Data;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Stage 2: the transformer learns the velocity u = ε − x₀ of the packed layer latents (the composite frame, then the
/// layers bottom to top) at x_σ = (1 − σ)·x₀ + σ·ε, with the composite's latents appended unnoised as the condition
/// frame, exactly the layout the pipeline samples with. σ is drawn as <see cref="NoiseLevels"/> says (by default
/// through the time shift the model's scheduler samples with).
/// Loss = MSE on the noisy tokens. The VAE is frozen; scene latents are encoded once; all samples share the
/// empty prompt's embedding, encoded with the model's own text encoder.
/// </summary>
internal sealed class FlowMatching : ITrainingObjective
{
    private readonly QwenImageTransformer2DModel _transformer;
    private readonly List<Tensor> _frames = [];
    private readonly List<Tensor> _conditions = [];
    private readonly SceneBatches _batches;
    private readonly Tensor _prompt;
    private readonly TokenGrid _grid;
    private readonly float _schedulerShift;
    private readonly NoiseLevels _noiseLevels;
    private readonly int _batchSize;

    public FlowMatching(string modelFolder, IReadOnlyList<LayeredScene> scenes, int batchSize, NoiseLevels noiseLevels, Device device)
    {
        var model = ModelFolder.Open(modelFolder);
        var (width, height) = SceneImages.CommonSize(scenes);
        var size = WorkingSize.ForArea(width, height, (long)width * height, model.Component("vae").ReadConfig<AutoencoderKLQwenImageConfig>().SpatialCompression);
        _grid = new TokenGrid(1, size.LatentHeight / 2, size.LatentWidth / 2);
        _batchSize = batchSize;
        _noiseLevels = noiseLevels;
        _batches = new SceneBatches([.. scenes.Select(s => s.Layers.Count)]);
        _schedulerShift = FlowMatchEulerScheduler.ShiftScale(model.Component("scheduler").ReadConfig<SchedulerConfig>(), FlowMatchEulerScheduler.Mu(_grid.Tokens));
        using (var prompts = PromptEncoder.FromPretrained(model, ScalarType.Float32, device))
            _prompt = prompts.Encode("").Embeds.clone();
        using (var vae = AutoencoderKLQwenImage.FromPretrained(model, ScalarType.Float32, device))
            foreach (var scene in scenes)
            {
                using var sceneScope = NewDisposeScope();
                var composite = Latents(vae, SceneImages.Composite(scene, device));
                _conditions.Add(composite.DetachFromDisposeScope());
                _frames.Add(cat([composite, Latents(vae, SceneImages.Layers(scene, device))], 0).unsqueeze(0).DetachFromDisposeScope());
            }
        _transformer = TrainingMode.Enable(QwenImageTransformer2DModel.FromPretrained(model, ScalarType.Float32, device));
    }

    public string Component => "transformer";

    public nn.Module Model => _transformer;

    public Tensor Loss(Random random, Generator generator)
    {
        using var scope = NewDisposeScope();
        var batch = _batches.Draw(random, _batchSize);
        var clean = LatentPacking.Pack(cat([.. batch.Select(i => _frames[i])], 0));
        var condition = LatentPacking.Pack(cat([.. batch.Select(i => _conditions[i].unsqueeze(0))], 0));
        var noise = SeededRandom.Normal(clean.shape, generator, clean.device);
        var sigma = _noiseLevels.Draw(SeededRandom.Uniform([batch.Length, 1, 1], generator, clean.device), _schedulerShift);
        var noisy = (Kept(1).Minus(sigma) * clean).Plus(sigma * noise);
        int frames = (int)_frames[batch[0]].shape[1];
        var prediction = _transformer.forward(new QwenImageTransformerInput
        {
            HiddenStates = cat([noisy, condition], 1),
            EncoderHiddenStates = _prompt.expand(batch.Length, -1, -1),
            Timestep = sigma.view(-1),
            ImageShapes = [.. Enumerable.Repeat(_grid, frames + 1)],
            AdditionalTCond = _transformer.Config.UseAdditionalTCond ? zeros(batch.Length, dtype: ScalarType.Int64, device: clean.device) : null,
        })[.., ..(int)clean.shape[1]];
        return nn.functional.mse_loss(prediction, noise - clean).MoveToOuterDisposeScope();
    }

    public object ConfigToSave() => _transformer.Config;

    // [F, z, h, w]: the normalised posterior means, one frame per image, as the pipeline encodes its condition.
    private static Tensor Latents(AutoencoderKLQwenImage vae, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var posterior = vae.Encode(images);
        return vae.NormalizeLatents(posterior.Mean).squeeze(2).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var tensor in _frames.Concat(_conditions)) tensor.Dispose();
        _prompt.Dispose();
        _transformer.Dispose();
    }
}
