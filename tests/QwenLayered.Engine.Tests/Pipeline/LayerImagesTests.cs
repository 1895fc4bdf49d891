using QwenLayered.Engine.Pipeline;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LayerImagesTests
{
    // One layer, 1x2 pixels; channel-major as the VAE decodes it.
    private static Tensor Decoded(float[] r, float[] g, float[] b, float[] a) =>
        tensor(r.Concat(g).Concat(b).Concat(a).ToArray()).reshape(1, 4, 1, 2);

    [Fact]
    public void ToRgba8_MapsMinusOneToZeroAndOneTo255_Interleaved()
    {
        using var decoded = Decoded([-1, 1], [1, -1], [-1, -1], [1, 1]);

        var pixels = LayerImages.ToRgba8(decoded);

        Assert.Equal(new byte[] { 0, 255, 0, 255, 255, 0, 0, 255 }, Assert.Single(pixels));
    }

    [Fact]
    public void ToRgba8_ClampsAndRoundsHalfToEven()
    {
        // 0 → 127.5 → 128 (even); −2 and 3 clamp; 1/255·2−1 → exactly 1.
        using var decoded = Decoded([0, -2], [3, 2f / 255 - 1], [0, 0], [0, 0]);

        var pixels = LayerImages.ToRgba8(decoded)[0];

        Assert.Equal(new byte[] { 128, 255, 128, 128, 0, 1, 128, 128 }, pixels);
    }

    [Fact]
    public void ToRgba16_UsesTheFull16BitRange()
    {
        using var decoded = Decoded([-1, 1], [0, 0], [0, 0], [1, 1]);

        var pixels = LayerImages.ToRgba16(decoded)[0];

        Assert.Equal(new ushort[] { 0, 32768, 32768, 65535, 65535, 32768, 32768, 65535 }, pixels);
    }

    [Fact]
    public void ToRgba8_NotFourChannels_SaysWhatItExpected()
    {
        using var decoded = zeros(new long[] { 1, 3, 2, 2 });

        var error = Assert.Throws<ArgumentException>(() => LayerImages.ToRgba8(decoded));
        Assert.Contains("[N, 4, H, W]", error.Message);
    }
}
