namespace QwenLayered.Server.Services;

/// <summary>Recognises the image formats the contract accepts by their leading bytes.</summary>
public static class ImageFormat
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    /// <summary>"png", "jpeg", "webp", or null for anything else.</summary>
    public static string? Detect(ReadOnlySpan<byte> data) =>
        data.StartsWith(PngSignature) ? "png"
        : data.StartsWith(JpegSignature) ? "jpeg"
        : data.Length >= 12 && data.StartsWith("RIFF"u8) && data[8..12].SequenceEqual("WEBP"u8) ? "webp"
        : null;
}
