using QwenLayered.Engine.Imaging;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Refinement;

/// <summary>Reads a rectangle of the original image as straight RGBA in [0, 1], at 8 or 16 bits of precision.</summary>
internal static class OriginalPixels
{
    /// <summary>[4, tile.Height, tile.Width] float32 on <paramref name="device"/>; 16-bit values when asked and the image has them.</summary>
    public static Tensor Read(RgbaImage image, CanvasTile tile, bool sixteenBit, Device device)
    {
        var values = new float[tile.Width * tile.Height * 4];
        int index = 0;
        if (sixteenBit && image.Pixels16 is { } wide)
        {
            for (int y = tile.Y; y < tile.Bottom; y++)
                for (int i = (y * image.Width + tile.X) * 4, end = i + tile.Width * 4; i < end; i++)
                    values[index++] = wide[i] / 65535f;
        }
        else
        {
            var bytes = image.Pixels;
            for (int y = tile.Y; y < tile.Bottom; y++)
                for (int i = (y * image.Width + tile.X) * 4, end = i + tile.Width * 4; i < end; i++)
                    values[index++] = bytes[i] / 255f;
        }
        using var scope = NewDisposeScope();
        return tensor(values, [tile.Height, tile.Width, 4]).permute(2, 0, 1).contiguous().to(device).MoveToOuterDisposeScope();
    }

    /// <summary>The colour a guide sees: RGB premultiplied by alpha, so transparent pixels all look alike. [3, H, W].</summary>
    public static Tensor Guide(Tensor straight) => straight[..3] * straight[3..4];
}
