using QwenLayered.Engine.Guidance;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Pipeline;

public class ImageGuidanceTests(TinyModel tiny)
{
    [Fact]
    public void Run_WithImageGuidance_ExtrapolatesAwayFromThePredictionWithoutTheImageFromItsNoiseLevelOnly()
    {
        var guidance = new ImageGuidance { Scale = 3, MinSigma = 0.5f };
        using var pipeline = LayeredDecompositionPipeline.FromPretrained(ModelFolder.Open(tiny.Folder), ScalarType.Float32, CPU, guidance);
        var image = new RgbaImage(64, 64, [.. Enumerable.Range(0, 64 * 64 * 4).Select(i => (byte)(i * 7))]);
        var input = new DecompositionInput(image, WorkingSize.ForArea(64, 64, 64 * 64, pipeline.Vae.Config.SpatialCompression),
            tiny.Prompts.Encode("a pattern"), new DecompositionSettings { Layers = 2, Steps = 6, Seed = 3 });
        var traced = new Dictionary<string, Tensor>();

        pipeline.Run(input, cancellation: TestContext.Current.CancellationToken,
            trace: (name, value) => traced[name] = value.detach().clone().DetachFromDisposeScope());

        try
        {
            float[] sigmas = traced["scheduler_sigmas"].data<float>().ToArray()[..6];
            Assert.Contains(sigmas, s => s >= guidance.MinSigma);
            Assert.Contains(sigmas, s => s < guidance.MinSigma);
            for (int step = 0; step < sigmas.Length; step++)
            {
                var velocity = traced[$"step{step}.noise_pred_guided"];
                int noisy = (int)velocity.shape[1];
                var withImage = traced[$"step{step}.transformer_output_cond_full"][.., ..noisy];
                if (sigmas[step] < guidance.MinSigma)
                {
                    Assert.False(traced.ContainsKey($"step{step}.image_guidance_output"));
                    Assert.True(velocity.allclose(withImage), $"step {step}");
                    continue;
                }
                var hidden = traced[$"step{step}.transformer_hidden_states"];
                var hiddenWithoutImage = traced[$"step{step}.image_guidance_hidden_states"];
                Assert.True(hiddenWithoutImage[.., ..noisy].allclose(hidden[.., ..noisy], rtol: 0, atol: 0), "the same noisy latents");
                Assert.Equal(0, hiddenWithoutImage[.., noisy..].abs().max().item<float>());
                Assert.NotEqual(0, hidden[.., noisy..].abs().max().item<float>());
                var withoutImage = traced[$"step{step}.image_guidance_output"];
                Assert.True(velocity.allclose(withoutImage + (withImage - withoutImage) * guidance.Scale, rtol: 1e-5, atol: 1e-5), $"step {step}");
            }
        }
        finally
        {
            foreach (var tensor in traced.Values) tensor.Dispose();
        }
    }

    [Fact]
    public void Load_ProfileWithImageGuidance_SamplesWithIt()
    {
        using var folder = new TempFolder();
        folder.CopyFrom(tiny.Folder);
        File.WriteAllText(folder.File(ModelProfile.FileName), """{ "resolutions": [64], "image_guidance": { "scale": 2, "min_sigma": 0.5 } }""");

        using var model = LayeredModel.Load(folder.Path, ScalarType.Float32, CPU);

        Assert.Equal(new ImageGuidance { Scale = 2, MinSigma = 0.5f }, model.Pipeline.ImageGuidance);
    }

    [Fact]
    public void Load_ProfileWithoutImageGuidance_SamplesWithoutIt()
    {
        using var model = LayeredModel.Load(tiny.Folder, ScalarType.Float32, CPU);

        Assert.Null(model.Pipeline.ImageGuidance);
    }
}
