namespace QwenLayered.Engine.Imaging;

/// <summary>
/// A decoded image as straight-alpha RGBA, 8 bits per channel, row-major. Images without alpha are opaque.
/// </summary>
/// <param name="SourceBitsPerChannel">8 or 16: what the file held, so 16-bit documents can get 16-bit layers.</param>
public sealed record RgbaImage(int Width, int Height, byte[] Pixels, int SourceBitsPerChannel = 8)
{
    public long PixelCount => (long)Width * Height;
}
