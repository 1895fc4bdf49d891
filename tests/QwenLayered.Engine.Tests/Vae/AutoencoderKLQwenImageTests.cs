using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Vae;
using QwenLayered.Toolbox.RandomModels;
using QwenLayered.Toolbox.Training;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Vae;

public class AutoencoderKLQwenImageTests
{
    private static AutoencoderKLQwenImage LoadFixtureVae(TempFolder temp)
    {
        string folder = temp.File("vae");
        FixtureVae.WriteVaeFolder(folder);
        return AutoencoderKLQwenImage.FromPretrained(folder, torch.ScalarType.Float32, torch.CPU);
    }

    private static torch.Tensor RandomLatents(AutoencoderKLQwenImage vae, long height, long width)
    {
        using var generator = new torch.Generator(7);
        return torch.randn([1, vae.Config.ZDim, 1, height, width], generator: generator);
    }

    // A random VAE of widths 6, 12 and 24 (so convolutions of 24 input channels, which oneDNN pads to two blocks of
    // 16: see ConvolutionsTests) in float32, and a float64 copy of it.
    private static (AutoencoderKLQwenImage Float32, AutoencoderKLQwenImage Float64) RandomVaePairOfWidth6()
    {
        var config = new AutoencoderKLQwenImageConfig { BaseDim = 6, InputChannels = 4 };
        var vae = new AutoencoderKLQwenImage(config);
        RandomWeights.Fill(vae, new torch.Generator(3));
        var reference = new AutoencoderKLQwenImage(config, dtype: torch.ScalarType.Float64);
        using (torch.no_grad())
        {
            var weights = vae.state_dict();
            foreach (var (name, tensor) in reference.state_dict()) tensor.copy_(weights[name]);
        }
        return (vae, reference);
    }

    private static double RelativeError(torch.Tensor actual, torch.Tensor expected) =>
        ((actual.to(torch.ScalarType.Float64) - expected).abs().max() / expected.abs().max()).item<double>();

    [Fact]
    public void EncodeAndDecode_WidthNotAMultipleOf16AtBatch2_MatchFloat64()
    {
        using var scope = torch.NewDisposeScope();
        var (vae, reference) = RandomVaePairOfWidth6();
        using var _ = vae;
        using var __ = reference;
        var images = torch.rand([2, 4, 1, 32, 32], dtype: torch.ScalarType.Float64, generator: new torch.Generator(11)) * 2 - 1;

        var latents = vae.Encode(images.to(torch.ScalarType.Float32)).Mean;
        var expectedLatents = reference.Encode(images).Mean;
        var decoded = vae.Decode(expectedLatents.to(torch.ScalarType.Float32));
        var expectedDecoded = reference.Decode(expectedLatents);

        Assert.True(RelativeError(latents, expectedLatents) < 1e-4, $"latents: relative error {RelativeError(latents, expectedLatents):E2}");
        Assert.True(RelativeError(decoded, expectedDecoded) < 1e-4, $"images: relative error {RelativeError(decoded, expectedDecoded):E2}");
    }

    [Fact]
    public void ReconstructionGradients_WidthNotAMultipleOf16AtBatch2_MatchFloat64()
    {
        using var scope = torch.NewDisposeScope();
        var (vae, reference) = RandomVaePairOfWidth6();
        using var _ = TrainingMode.Enable(vae);
        using var __ = TrainingMode.Enable(reference);
        var images = torch.rand([2, 4, 1, 32, 32], dtype: torch.ScalarType.Float64, generator: new torch.Generator(12)) * 2 - 1;

        ReconstructionLoss(vae, images.to(torch.ScalarType.Float32)).backward();
        ReconstructionLoss(reference, images).backward();

        // Resample's time_conv acts only on later frames, so it gets no gradient here.
        var expected = reference.named_parameters().Where(p => p.parameter.grad is not null).ToDictionary(p => p.name, p => p.parameter.grad!);
        var actual = vae.named_parameters().Where(p => p.parameter.grad is not null).ToList();
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (name, parameter) in actual)
        {
            double error = RelativeError(parameter.grad!, expected[name]);
            Assert.True(error < 1e-3, $"{name}: gradient relative error {error:E2}");
        }
    }

    private static torch.Tensor ReconstructionLoss(AutoencoderKLQwenImage vae, torch.Tensor images)
    {
        using var posterior = vae.Encode(images);
        return (vae.Decode(posterior.Mean) - images).pow(2).mean();
    }

    /// <summary>Random latents of <paramref name="height"/>x<paramref name="width"/> decoded in one pass and in tiles.</summary>
    private static (torch.Tensor Untiled, torch.Tensor Tiled) DecodedBothWays(AutoencoderKLQwenImage vae, int height, int width, VaeTiling tiling)
    {
        var latents = RandomLatents(vae, height, width);
        return (vae.Decode(latents), vae.DecodeTiled(latents, tiling));
    }

    [Fact]
    public void DecodeTiled_LatentWithinOneTile_EqualsUntiled()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var scope = torch.NewDisposeScope();
        var (untiled, tiled) = DecodedBothWays(vae, 6, 6, new VaeTiling(TileLatent: 8, OverlapLatent: 2));

        Assert.True(tiled.equal(untiled).all().item<bool>());
    }

    [Fact]
    public void DecodeTiled_SmallOverlappingTiles_StaysCloseToUntiled()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var scope = torch.NewDisposeScope();
        var (untiled, tiled) = DecodedBothWays(vae, 12, 16, new VaeTiling(TileLatent: 12, OverlapLatent: 8));

        // Tiles cannot match exactly: the mid-block attention sees only its tile. With random weights the stitched
        // image must still be close to the one-pass image overall (the blending itself is exact: see VaeTilingTests).
        Assert.Equal(untiled.shape, tiled.shape);
        double meanError = (tiled - untiled).abs().mean().item<float>();
        double meanSignal = untiled.abs().mean().item<float>();
        Assert.True(meanError < 0.25 * meanSignal, $"mean abs error {meanError:E2} vs mean abs output {meanSignal:E2}");
    }

    [Fact]
    public void DenormalizeLatents_AfterNormalize_ReturnsTheInput()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var latents = RandomLatents(vae, 3, 5);

        using var normalized = vae.NormalizeLatents(latents);
        using var restored = vae.DenormalizeLatents(normalized);

        Assert.True(restored.allclose(latents, rtol: 1e-6, atol: 1e-6));
        double channel0 = vae.Config.LatentsMean[0];
        Assert.Equal((latents[0, 0, 0, 0, 0].item<float>() - channel0) / vae.Config.LatentsStd[0], normalized[0, 0, 0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void Encode_MultiFrameInput_SaysOnlyOneFrameIsSupported()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var video = torch.zeros([1, vae.Config.InputChannels, 2, 16, 16]);

        var error = Assert.Throws<ArgumentException>(() => vae.Encode(video));

        Assert.Contains("one frame", error.Message);
    }
}
