using QwenLayered.Engine.Vae;
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

    [Fact]
    public void DecodeTiled_LatentWithinOneTile_EqualsUntiled()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var latents = RandomLatents(vae, 6, 6);

        using var untiled = vae.Decode(latents);
        using var tiled = vae.DecodeTiled(latents, new VaeTiling(TileLatent: 8, OverlapLatent: 2));

        Assert.True(tiled.equal(untiled).all().item<bool>());
    }

    [Fact]
    public void DecodeTiled_SmallOverlappingTiles_StaysCloseToUntiled()
    {
        using var temp = new TempFolder();
        using var vae = LoadFixtureVae(temp);
        using var latents = RandomLatents(vae, 12, 16);

        using var untiled = vae.Decode(latents);
        using var tiled = vae.DecodeTiled(latents, new VaeTiling(TileLatent: 12, OverlapLatent: 8));

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
