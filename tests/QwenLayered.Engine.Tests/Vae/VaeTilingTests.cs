using QwenLayered.Engine.Vae;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Vae;

public class VaeTilingTests
{
    // A decoder with no spatial context (each latent pixel becomes a 8x8 block): tiling must then change nothing.
    private static torch.Tensor LocalDecoder(torch.Tensor z) => (z.repeat_interleave(8, dim: 2).repeat_interleave(8, dim: 3) * 0.5).tanh();

    [Theory]
    [InlineData(8, 4, 13, 21)]
    [InlineData(4, 1, 9, 9)]
    [InlineData(6, 0, 12, 18)]
    public void Decode_LocalDecoder_StitchesTilesExactlyIntoTheUntiledImage(int tile, int overlap, long height, long width)
    {
        using var generator = new torch.Generator(3);
        using var latents = torch.randn([2, 3, height, width], generator: generator);
        using var untiled = LocalDecoder(latents);

        using var tiled = new VaeTiling(tile, overlap).Decode(latents, LocalDecoder, scale: 8);

        Assert.Equal(untiled.shape, tiled.shape);
        Assert.True(tiled.allclose(untiled, rtol: 1e-6, atol: 1e-6), $"max abs {(tiled - untiled).abs().max().item<float>():E2}");
    }

    [Fact]
    public void Decode_OverlapNotSmallerThanTile_IsRefused()
    {
        using var latents = torch.zeros([1, 3, 20, 20]);

        var error = Assert.Throws<ArgumentException>(() => new VaeTiling(4, 4).Decode(latents, LocalDecoder, scale: 8));

        Assert.Contains("OverlapLatent", error.Message);
    }
}
