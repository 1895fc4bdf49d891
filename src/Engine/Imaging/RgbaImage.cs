namespace QwenLayered.Engine.Imaging;

/// <summary>
/// A decoded image as straight-alpha RGBA, 8 bits per channel, row-major. Images without alpha are opaque.
/// </summary>
/// <param name="SourceBitsPerChannel">8 or 16: what the file held, so 16-bit documents can get 16-bit layers.</param>
public sealed record RgbaImage(int Width, int Height, byte[] Pixels, int SourceBitsPerChannel = 8)
{
    /// <summary>The same pixels at 16 bits per channel (RGBA, row-major) when the source held 16; null otherwise.</summary>
    public ushort[]? Pixels16 { get; init; }

    public long PixelCount => (long)Width * Height;
}
