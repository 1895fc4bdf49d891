using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.RandomModels;

/// <summary>Parameter counts of a model's components, counted on the meta device (shapes only, nothing allocated).</summary>
public sealed record ModelSize(long Transformer, long Vae, long TextEncoder)
{
    public long Total => Transformer + Vae + TextEncoder;

    /// <summary>Bytes the weights of all components take in <paramref name="dtype"/>.</summary>
    public long Bytes(ScalarType dtype) => Total * dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        _ => throw new ArgumentException($"No weight size for {dtype}.", nameof(dtype)),
    };

    public static ModelSize Of(RandomModelConfigs configs)
    {
        using var transformer = new QwenImageTransformer2DModel(configs.Transformer, META, ScalarType.BFloat16);
        using var vae = new AutoencoderKLQwenImage(configs.Vae, META, ScalarType.BFloat16);
        using var textEncoder = new Qwen25VLTextModel(configs.TextEncoder, META, ScalarType.BFloat16);
        return new ModelSize(Count(transformer), Count(vae), Count(textEncoder));
    }

    private static long Count(nn.Module module) => module.parameters().Sum(p => p.numel());
}
