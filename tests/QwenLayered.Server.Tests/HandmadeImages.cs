using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace QwenLayered.Server.Tests;

/// <summary>
/// Image files no encoder at hand writes: headers with impossible sizes, a CMYK JPEG, and PNGs of a chosen file size
/// or with decompression bombs in their text chunks.
/// </summary>
internal static class HandmadeImages
{
    private static readonly uint[] CrcTable = [.. Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
        return c;
    })];

    /// <summary>
    /// A black PNG (8-bit gray, or RGBA when <paramref name="rgba"/>), its pixel rows deflated at
    /// <paramref name="level"/>, with <paramref name="chunks"/> before them. Optimal makes an 8192x8192 one about
    /// 65 kB; NoCompression stores the rows, making the file as large as its pixels.
    /// </summary>
    public static byte[] BlackPng(int width, int height, bool rgba = false, CompressionLevel level = CompressionLevel.Optimal, params byte[][] chunks)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = (byte)(rgba ? 6 : 0);
        var row = new byte[1 + width * (rgba ? 4 : 1)]; // filter type 0, then the pixels
        using var pixels = new MemoryStream();
        using (var deflate = new ZLibStream(pixels, level, leaveOpen: true))
            for (int y = 0; y < height; y++) deflate.Write(row);
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. chunks.SelectMany(c => c),
            .. Chunk("IDAT", pixels.ToArray()), .. Chunk("IEND", [])];
    }

    /// <summary>A zTXt chunk whose text inflates to <paramref name="textBytes"/> bytes, from a thousandth of that.</summary>
    public static byte[] CompressedTextChunk(int textBytes) => Chunk("zTXt", [.. "Comment"u8, 0, 0, .. Deflated(textBytes)]);

    /// <summary>An iTXt chunk with compressed text that inflates to <paramref name="textBytes"/> bytes.</summary>
    public static byte[] InternationalTextChunk(int textBytes) =>
        Chunk("iTXt", [.. "Comment"u8, 0, 1, 0, 0, 0, .. Deflated(textBytes)]); // compressed, deflate, no language or translation

    private static byte[] Deflated(int zeros)
    {
        using var compressed = new MemoryStream();
        using (var deflate = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(new byte[zeros]);
        return compressed.ToArray();
    }

    /// <summary>A PNG signature and a valid IHDR chunk claiming <paramref name="width"/> x <paramref name="height"/>, then IEND.</summary>
    public static byte[] PngHeaderOnly(uint width, uint height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", ihdr), .. Chunk("IEND", [])];
    }

    /// <summary>
    /// An 8x8 baseline JPEG with four components and Adobe's APP14 marker saying CMYK (no transform), as Photoshop
    /// writes print files. Its Huffman tables hold one code each, so every block is "DC 0, end of block".
    /// </summary>
    public static byte[] CmykJpeg()
    {
        var file = new List<byte> { 0xFF, 0xD8 };
        Segment(file, 0xEE, [.. "Adobe"u8, 0, 100, 0, 0, 0, 0, 0]); // APP14, transform 0: CMYK
        Segment(file, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]); // quantisation table 0, all ones
        Segment(file, 0xC0, [8, 0, 8, 0, 8, 4, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0]); // SOF0: 8x8, 4 components
        Segment(file, 0xC4, [0x00, 1, .. new byte[15], 0]); // DC table 0: one 1-bit code for category 0
        Segment(file, 0xC4, [0x10, 1, .. new byte[15], 0]); // AC table 0: one 1-bit code for end of block
        Segment(file, 0xDA, [4, 1, 0x00, 2, 0x00, 3, 0x00, 4, 0x00, 0, 63, 0]); // start of scan
        file.Add(0x00); // four blocks of two 0 bits each
        file.AddRange([0xFF, 0xD9]);
        return [.. file];
    }

    private static void Segment(List<byte> file, byte marker, byte[] payload)
    {
        file.AddRange([0xFF, marker, (byte)((payload.Length + 2) >> 8), (byte)(payload.Length + 2)]);
        file.AddRange(payload);
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(typeAndData));
        return chunk;
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return ~crc;
    }
}
