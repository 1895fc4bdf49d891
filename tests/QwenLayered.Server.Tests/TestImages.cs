namespace QwenLayered.Server.Tests;

internal static class TestImages
{
    /// <summary>The PNG signature and an IHDR start: enough for format detection, not a decodable image.</summary>
    public static readonly byte[] PngHeader = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
}
