using QwenLayered.Engine.Guidance;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Sampling;
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
        var recorder = new StepRecorder(pipeline);

        pipeline.Run(input, cancellation: TestContext.Current.CancellationToken);

        try
        {
            float[] sigmas = recorder.Sigmas[..6];
            Assert.Contains(sigmas, s => s >= guidance.MinSigma);
            Assert.Contains(sigmas, s => s < guidance.MinSigma);
            for (int step = 0; step < sigmas.Length; step++)
            {
                var velocity = recorder.Velocities[step];
                int noisy = (int)velocity.shape[1];
                var calls = recorder.Calls[step];
                var (hidden, withImageFull) = calls[0];
                var withImage = withImageFull[.., ..noisy];
                if (sigmas[step] < guidance.MinSigma)
                {
                    Assert.Single(calls);
                    Assert.True(velocity.allclose(withImage), $"step {step}");
                    continue;
                }
                var (hiddenWithoutImage, withoutImageFull) = calls[1];
                Assert.True(hiddenWithoutImage[.., ..noisy].allclose(hidden[.., ..noisy], rtol: 0, atol: 0), "the same noisy latents");
                Assert.Equal(0, hiddenWithoutImage[.., noisy..].abs().max().item<float>());
                Assert.NotEqual(0, hidden[.., noisy..].abs().max().item<float>());
                var withoutImage = withoutImageFull[.., ..noisy];
                Assert.True(velocity.allclose(withoutImage + (withImage - withoutImage) * guidance.Scale, rtol: 1e-5, atol: 1e-5), $"step {step}");
            }
        }
        finally
        {
            recorder.Dispose();
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

    /// <summary>
    /// Each step's transformer calls (input hidden states, output) through forward hooks, its guided velocity and the
    /// schedule's σ through the pipeline's observer; copies, kept until disposed.
    /// </summary>
    private sealed class StepRecorder : IDecompositionObserver, IDisposable
    {
        private readonly List<(Tensor Hidden, Tensor Output)> _current = [];
        private Tensor? _hidden;

        public StepRecorder(LayeredDecompositionPipeline pipeline)
        {
            pipeline.Observer = this;
            pipeline.Transformer.register_forward_pre_hook((_, input) => { _hidden = Keep(input.HiddenStates); return input; });
            pipeline.Transformer.register_forward_hook((_, _, output) => { _current.Add((_hidden!, Keep(output))); return output; });
        }

        public float[] Sigmas { get; private set; } = [];
        public List<Tensor> Velocities { get; } = [];
        public List<List<(Tensor Hidden, Tensor Output)>> Calls { get; } = [];

        public void SamplingStarts(Tensor latents, FlowMatchEulerScheduler schedule) => Sigmas = schedule.Sigmas;

        public void Stepped(int step, Tensor velocity, Tensor latents)
        {
            Velocities.Add(Keep(velocity));
            Calls.Add([.. _current]);
            _current.Clear();
        }

        public void Dispose()
        {
            foreach (var tensor in Velocities.Concat(Calls.SelectMany(calls => calls.SelectMany(call => new[] { call.Hidden, call.Output })))) tensor.Dispose();
        }

        private static Tensor Keep(Tensor value) => value.detach().clone().DetachFromDisposeScope();
    }
}
