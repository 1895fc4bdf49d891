using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.ModelFolders;

/// <summary>The demo model that ships in models/qwenlayered-demo.</summary>
public class DemoModelTests
{
    [Fact]
    public void Vae_EmptyLayer_DecodesFullyTransparentCornersIncluded()
    {
        // Faint alpha in the corners kept every layer in PSD and ORA files from being cropped to its content.
        var alpha = RoundTripAlpha([0, 0, 0, 0]);

        Assert.DoesNotContain(alpha, a => a.Value != 0);
    }

    [Fact]
    public void Vae_OpaqueLayer_DecodesOpaqueCornersIncluded()
    {
        // Within 2%: the corners of a background layer once let 30% of what lies beneath show through.
        var alpha = RoundTripAlpha([180, 120, 60, 255]);

        Assert.DoesNotContain(alpha, a => a.Value < 250);
    }

    // A 64x64 layer of one RGBA pixel through the demo's VAE: the alpha byte of every pixel by its (x, y).
    private static Dictionary<(int X, int Y), byte> RoundTripAlpha(byte[] pixel)
    {
        using var scope = NewDisposeScope();
        using var vae = AutoencoderKLQwenImage.FromPretrained(Path.Combine(DemoModel.Find()!, "vae"), ScalarType.Float32, CPU);
        using var posterior = vae.Encode(ImagePreprocessing.PixelsToVaeInput([.. Enumerable.Repeat(pixel, 64 * 64).SelectMany(p => p)], 64, 64));
        var rgba = LayerImages.ToRgba8(vae.Decode(posterior.Mean).squeeze(2))[0];
        return Enumerable.Range(0, 64 * 64).ToDictionary(i => (i % 64, i / 64), i => rgba[i * 4 + 3]);
    }
}
