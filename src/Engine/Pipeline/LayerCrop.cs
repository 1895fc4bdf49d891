using QwenLayered.Engine.Imaging;

namespace QwenLayered.Engine.Pipeline;

/// <summary>Cuts a layer that covers its whole canvas down to its alpha bounds, placed at their offset.</summary>
internal static class LayerCrop
{
    /// <summary>
    /// The layer at <paramref name="index"/> from <paramref name="width"/> x <paramref name="height"/> RGBA pixels (and
    /// their 16-bit twins when given); a fully transparent layer becomes one transparent pixel at (0, 0).
    /// </summary>
    public static DecodedLayer ToAlphaBounds(int index, int width, int height, byte[] rgba8, ushort[]? rgba16)
    {
        if (AlphaBounds.Of(rgba8, width, height) is not { } bounds)
            return new DecodedLayer(index, 1, 1, new byte[4], rgba16 is null ? null : new ushort[4]);
        return new DecodedLayer(index, bounds.Width, bounds.Height, Cut(rgba8, width, bounds), rgba16 is null ? null : Cut(rgba16, width, bounds))
        {
            X = bounds.X,
            Y = bounds.Y,
        };
    }

    private static T[] Cut<T>(T[] pixels, int width, AlphaBounds bounds)
    {
        var cut = new T[bounds.Width * bounds.Height * 4];
        for (int y = 0; y < bounds.Height; y++)
            Array.Copy(pixels, ((bounds.Y + y) * width + bounds.X) * 4, cut, y * bounds.Width * 4, bounds.Width * 4);
        return cut;
    }
}
