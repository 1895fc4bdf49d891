using static QwenLayered.Engine.Runtime.Scalars;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Pipeline;

/// <summary>Turns decoded layers in [−1, 1] into straight-alpha RGBA pixels, rounding as the reference does.</summary>
internal static class LayerImages
{
    /// <summary>[N, 4, H, W] in [−1, 1] → N arrays of H·W·4 bytes (RGBA, row-major).</summary>
    public static byte[][] ToRgba8(Tensor decoded)
    {
        using var scope = NewDisposeScope();
        return ReadRgba8(Rgba8OnDevice(decoded));
    }

    /// <summary>[N, 4, H, W] in [−1, 1] → N arrays of H·W·4 16-bit values, for 16-bit documents.</summary>
    public static ushort[][] ToRgba16(Tensor decoded)
    {
        using var scope = NewDisposeScope();
        return Read(Pixels(decoded, 65535, ScalarType.Int32), t => t.data<int>().Select(v => (ushort)v).ToArray());
    }

    /// <summary>[N, 4, H, W] in [−1, 1] → [N, H, W, 4] bytes, still on the decoding device (no host wait).</summary>
    public static Tensor Rgba8OnDevice(Tensor decoded) => Pixels(decoded, 255, ScalarType.Byte);

    /// <summary>Copies [N, H, W, 4] bytes from <see cref="Rgba8OnDevice"/> to the host: waits for the device.</summary>
    public static byte[][] ReadRgba8(Tensor pixels) => Read(pixels, t => t.data<byte>().ToArray());

    private static Tensor Pixels(Tensor decoded, int maxValue, ScalarType storage)
    {
        if (decoded.dim() != 4 || decoded.shape[1] != 4)
            throw new ArgumentException($"Expected decoded layers [N, 4, H, W], got [{string.Join(", ", decoded.shape)}].");
        using var scope = NewDisposeScope();
        // (x + 1) / 2 clamped to [0, 1], scaled and rounded half-to-even (torch.round, like NumPy's).
        var unit = (decoded.to(ScalarType.Float32) * Kept(0.5f)).Plus(Kept(0.5f)).clamp(Kept(0f), Kept(1f));
        return (unit * Kept(maxValue)).round().to(storage).permute(0, 2, 3, 1).contiguous().MoveToOuterDisposeScope();
    }

    private static T[][] Read<T>(Tensor pixels, Func<Tensor, T[]> read)
    {
        using var scope = NewDisposeScope();
        var host = pixels.cpu();
        return [.. Enumerable.Range(0, (int)host.shape[0]).Select(i => read(host[i]))];
    }
}
