namespace QwenLayered.Engine.Imaging;

/// <summary>What an image file's header says, read without decoding its pixels.</summary>
/// <param name="Format">"PNG", "JPEG" or "Webp", as the decoder names it.</param>
/// <param name="SourceBitsPerChannel">8 or 16: what the file holds.</param>
public sealed record ImageHeader(string Format, int Width, int Height, int SourceBitsPerChannel)
{
    public long PixelCount => (long)Width * Height;
}
