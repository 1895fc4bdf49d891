using System.Text.Json.Serialization;
using QwenLayered.Engine.ModelFolders;

namespace QwenLayered.Engine.Vae;

/// <summary>
/// <c>vae/config.json</c> of <c>AutoencoderKLQwenImage</c>: the constructor arguments, with the reference defaults.
/// The misspelled <c>temperal_downsample</c> key is the reference's own.
/// </summary>
public sealed class AutoencoderKLQwenImageConfig : IModelConfig
{
    [JsonPropertyName("base_dim")] public int BaseDim { get; init; } = 96;

    [JsonPropertyName("z_dim")] public int ZDim { get; init; } = 16;

    [JsonPropertyName("dim_mult")] public int[] DimMult { get; init; } = [1, 2, 4, 4];

    [JsonPropertyName("num_res_blocks")] public int NumResBlocks { get; init; } = 2;

    /// <summary>Spatial scales (1, 0.5, 0.25, ...) whose encoder stages get an attention block after each residual block.</summary>
    [JsonPropertyName("attn_scales")] public double[] AttnScales { get; init; } = [];

    [JsonPropertyName("temperal_downsample")] public bool[] TemperalDownsample { get; init; } = [false, true, true];

    [JsonPropertyName("dropout")] public double Dropout { get; init; }

    /// <summary>3 for RGB, 4 for the Layered RGBA VAE.</summary>
    [JsonPropertyName("input_channels")] public int InputChannels { get; init; } = 3;

    [JsonPropertyName("latents_mean")] public double[] LatentsMean { get; init; } =
        [-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517, -0.3632, -0.1922, -0.9497, 0.2503, -0.2921];

    [JsonPropertyName("latents_std")] public double[] LatentsStd { get; init; } =
        [2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579, 1.6382, 1.1253, 2.8251, 1.9160];

    /// <summary>Image pixels per latent pixel along each side: 2 per down stage.</summary>
    [JsonIgnore] public int SpatialCompression => 1 << TemperalDownsample.Length;

    /// <summary>Throws <see cref="InvalidDataException"/> when the values cannot describe a working VAE.</summary>
    public void Validate()
    {
        if (BaseDim <= 0 || ZDim <= 0 || InputChannels <= 0 || NumResBlocks <= 0)
            throw new InvalidDataException("base_dim, z_dim, input_channels and num_res_blocks must be positive.");
        if (DimMult.Length == 0 || DimMult.Any(m => m <= 0))
            throw new InvalidDataException("dim_mult must be a non-empty list of positive multipliers.");
        if (TemperalDownsample.Length != DimMult.Length - 1)
            throw new InvalidDataException($"temperal_downsample has {TemperalDownsample.Length} entries; dim_mult of length {DimMult.Length} needs {DimMult.Length - 1}.");
        if (LatentsMean.Length != ZDim || LatentsStd.Length != ZDim)
            throw new InvalidDataException($"latents_mean and latents_std need z_dim = {ZDim} values, not {LatentsMean.Length} and {LatentsStd.Length}.");
    }
}
