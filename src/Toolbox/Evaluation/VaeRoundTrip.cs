using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Vae;
using QwenLayered.Toolbox.Training.Data;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Evaluation;

/// <summary>
/// The true layers encoded and decoded by the model's VAE at the model's working size: the best any decomposition by
/// this model can score, since its layers are VAE decodes. A low ceiling says the VAE, not the transformer, limits it.
/// </summary>
public sealed class VaeRoundTrip(AutoencoderKLQwenImage vae, ModelSampling sampling) : ILayerReference
{
    public string Name => "true layers through the VAE";

    public IReadOnlyList<RgbaImage> Layers(LayeredScene scene)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var parameter = vae.parameters().First();
        var size = sampling.SizeFor(scene.Width, scene.Height, vae.Config.SpatialCompression);
        var images = cat([.. scene.Layers.Select(l => ImagePreprocessing.ToVaeInput(new RgbaImage(scene.Width, scene.Height, l.Pixels), size))], 0)
            .to(parameter.dtype, parameter.device);
        using var posterior = vae.Encode(images);
        var decoded = vae.Decode(posterior.Mean).squeeze(2);
        return [.. LayerImages.ToRgba8(decoded).Select(pixels => new RgbaImage(size.Width, size.Height, pixels))];
    }
}
