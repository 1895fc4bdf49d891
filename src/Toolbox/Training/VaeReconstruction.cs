using System.Text.Json;
using QwenLayered.Engine.Vae;
using QwenLayered.Toolbox.Training.Data;
using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Training;

/// <summary>
/// Stage 1: the RGBA-VAE reconstructs layers and composites from the posterior mean, the latent the pipeline encodes
/// its condition with and the transformer learns. Loss = L1 + L2 on RGBA in [−1, 1] plus a small KL term that keeps
/// the latents near the prior's scale.
/// Checkpoints record the latents' per-channel mean and std, which the pipeline normalises with.
/// </summary>
/// <param name="edgeWeight">How much more each image's first and last rows and columns count in L1 + L2 (1: every
/// pixel alike). The decoder's convolutions pad with zeros, so its edges and above all its corners are cases of their
/// own, which an even weighting (4 corners in H·W pixels) leaves nearly untrained: a small VAE then draws faint alpha
/// into the corners of empty layers. Edges count <paramref name="edgeWeight"/> times, corners its square.</param>
/// <param name="decoderOnly">The decoder stage: the encoder (and <c>quant_conv</c>) stay frozen and the config's latent
/// statistics are kept, so latents mean what the transformer learned; only <c>post_quant_conv</c> and the decoder learn.</param>
internal sealed class VaeReconstruction : ITrainingObjective
{
    private const double KlWeight = 1e-6;
    // Enough images for stable per-channel statistics, few enough to encode in a moment.
    private const int CalibrationImages = 64;

    private readonly AutoencoderKLQwenImage _vae;
    private readonly Tensor _images;
    private readonly Tensor _pixelWeights;
    private readonly int _batchSize;
    private readonly bool _decoderOnly;

    public VaeReconstruction(string modelFolder, IReadOnlyList<LayeredScene> scenes, int batchSize, Device device, float edgeWeight, bool decoderOnly)
    {
        var (width, height) = SceneImages.CommonSize(scenes);
        _pixelWeights = PixelWeights(width, height, edgeWeight, device);
        _vae = TrainingMode.Enable(AutoencoderKLQwenImage.FromPretrained(Path.Combine(modelFolder, "vae"), ScalarType.Float32, device));
        _decoderOnly = decoderOnly;
        if (decoderOnly)
            foreach (var (name, parameter) in _vae.named_parameters())
                if (name.StartsWith("encoder.", StringComparison.Ordinal) || name.StartsWith("quant_conv.", StringComparison.Ordinal))
                    parameter.requires_grad = false;
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
        return (error.abs() * _pixelWeights).mean().Plus((error.pow(Kept(2)) * _pixelWeights).mean()).Plus(Kept(KlWeight) * kl).MoveToOuterDisposeScope();
    }

    // [1, 1, 1, H, W] with mean 1: the first and last line of each axis weigh edgeWeight, so corners weigh its square.
    private static Tensor PixelWeights(int width, int height, float edgeWeight, Device device)
    {
        using var scope = NewDisposeScope();
        Tensor Axis(int length)
        {
            var weights = ones(length, device: device);
            weights[0].fill_(Kept(edgeWeight));
            weights[length - 1].fill_(Kept(edgeWeight));
            return weights;
        }
        var map = Axis(height).view(-1, 1) * Axis(width).view(1, -1);
        return (map / map.mean()).view(1, 1, 1, height, width).DetachFromDisposeScope();
    }

    public object? ConfigToSave()
    {
        if (_decoderOnly) return _vae.Config;
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
        _pixelWeights.Dispose();
        _vae.Dispose();
    }
}
