using System.Text.Json;
using QwenLayered.Engine.Training.Data;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;
using static QwenLayered.Engine.Runtime.Scalars;

namespace QwenLayered.Engine.Training;

/// <summary>
/// Stage 1: the RGBA-VAE reconstructs layers and composites from the posterior mean, the latent the pipeline encodes
/// its condition with and the transformer learns. Loss = L1 + L2 on RGBA in [−1, 1] plus a small KL term that keeps
/// the latents near the prior's scale.
/// Checkpoints record the latents' per-channel mean and std, which the pipeline normalises with.
/// </summary>
internal sealed class VaeReconstruction : ITrainingObjective
{
    private const double KlWeight = 1e-6;
    // Enough images for stable per-channel statistics, few enough to encode in a moment.
    private const int CalibrationImages = 64;

    private readonly AutoencoderKLQwenImage _vae;
    private readonly Tensor _images;
    private readonly int _batchSize;

    public VaeReconstruction(string modelFolder, IReadOnlyList<LayeredScene> scenes, int batchSize, Device device)
    {
        SceneImages.CommonSize(scenes);
        _vae = TrainingMode.Enable(AutoencoderKLQwenImage.FromPretrained(Path.Combine(modelFolder, "vae"), ScalarType.Float32, device));
        using var scope = NewDisposeScope();
        _images = cat([.. scenes.SelectMany(scene => new[] { SceneImages.Composite(scene, device), SceneImages.Layers(scene, device) })], 0)
            .DetachFromDisposeScope();
        _batchSize = batchSize;
    }

    public string Component => "vae";

    public nn.Module Model => _vae;

    public Tensor Loss(Random random, Generator generator)
    {
        using var scope = NewDisposeScope();
        var indices = Enumerable.Range(0, _batchSize).Select(_ => (long)random.Next((int)_images.shape[0])).ToArray();
        var images = _images.index_select(0, tensor(indices, device: _images.device));
        using var posterior = _vae.Encode(images);
        var reconstruction = _vae.Decode(posterior.Mean);
        var error = reconstruction - images;
        var kl = Kept(0.5) * (posterior.Mean.pow(Kept(2)).Plus(posterior.LogVar.exp()) - Kept(1) - posterior.LogVar).mean();
        return error.abs().mean().Plus(error.pow(Kept(2)).mean()).Plus(Kept(KlWeight) * kl).MoveToOuterDisposeScope();
    }

    public object? ConfigToSave()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = _images[..(int)Math.Min(CalibrationImages, _images.shape[0])];
        using var posterior = _vae.Encode(images);
        var channelsLast = posterior.Mean.transpose(0, 1).reshape(_vae.Config.ZDim, -1);
        double[] mean = Values(channelsLast.mean([1])), std = Values(channelsLast.std(1).clamp_min(Kept(1e-4)));
        if (!mean.Concat(std).All(double.IsFinite)) return null;
        var config = JsonSerializer.SerializeToNode(_vae.Config)!.AsObject();
        config["latents_mean"] = JsonSerializer.SerializeToNode(mean);
        config["latents_std"] = JsonSerializer.SerializeToNode(std);
        return config;
    }

    private static double[] Values(Tensor perChannel) => [.. perChannel.cpu().data<float>().Select(v => (double)v)];

    public void Dispose()
    {
        _images.Dispose();
        _vae.Dispose();
    }
}
