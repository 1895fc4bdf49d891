using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Tests;

/// <summary>A seeded 2-block layered transformer and matching inputs, built in code.</summary>
internal static class TinyTransformer
{
    public static readonly QwenImageTransformerConfig Config = new()
    {
        NumLayers = 2, AttentionHeadDim = 16, NumAttentionHeads = 2, JointAttentionDim = 24, InChannels = 8, OutChannels = 2,
        AxesDimsRope = [4, 6, 6], UseAdditionalTCond = true, UseLayer3DRope = true,
    };

    /// <summary>Three noisy 2×3 frames and a 2×3 condition frame: 24 image tokens.</summary>
    public static readonly TokenGrid[] Grids = [new(1, 2, 3), new(1, 2, 3), new(1, 2, 3), new(1, 2, 3)];

    public static QwenImageTransformer2DModel Create(ScalarType dtype = ScalarType.Float32)
    {
        using var generator = new Generator(1234);
        var model = new QwenImageTransformer2DModel(Config, CPU, dtype);
        using var noGrad = no_grad();
        foreach (var parameter in model.parameters()) parameter.normal_(0, 0.3, generator);
        return model;
    }

    /// <summary>Writes <paramref name="weights"/> as a diffusers transformer folder of <see cref="Config"/>.</summary>
    public static void WriteFolder(TempFolder folder, IDictionary<string, Tensor> weights)
    {
        File.WriteAllText(folder.File("config.json"), System.Text.Json.JsonSerializer.Serialize(Config));
        QwenLayered.Engine.Weights.SafetensorsWriter.Write(folder.File("diffusion_pytorch_model.safetensors"), weights.ToDictionary());
    }

    public static QwenImageTransformerInput Input(Tensor? mask = null, Tensor? text = null, float[]? timestep = null) => new()
    {
        HiddenStates = Seeded(1, 2, 24, 8),
        EncoderHiddenStates = text ?? Seeded(2, 2, 5, 24),
        EncoderHiddenStatesMask = mask,
        Timestep = tensor(timestep ?? [0.7f, 0.25f]),
        AdditionalTCond = tensor(new long[] { 0, 1 }),
        ImageShapes = Grids,
    };

    public static Tensor Seeded(int seed, params long[] shape)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randn(shape, generator: generator);
    }
}
