using System.Text;

namespace QwenLayered.Engine.Tests.Weights;

/// <summary>Writes safetensors files byte by byte, so tests can build the malformed ones the writer refuses to make.</summary>
internal static class RawSafetensors
{
    public static void Write(string path, string headerJson, int dataBytes) =>
        Write(path, BitConverter.GetBytes((ulong)Encoding.UTF8.GetByteCount(headerJson)), Encoding.UTF8.GetBytes(headerJson), new byte[dataBytes]);

    public static void Write(string path, params byte[][] parts) => File.WriteAllBytes(path, parts.SelectMany(part => part).ToArray());
}
