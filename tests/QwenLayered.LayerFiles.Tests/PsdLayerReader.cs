using System.Buffers.Binary;
using System.Text;

namespace QwenLayered.LayerFiles.Tests;

/// <summary>
/// Reads a PSD's depth and layer records with their pixels as the PSD specification lays them out, at whatever depth
/// the file has: a reader of its own, so a test does not trust the writer's idea of the format (and ImageMagick's
/// Q8 build here reads 16-bit files at 8 bits).
/// </summary>
internal static class PsdLayerReader
{
    /// <param name="Channels">Per channel id (0 R, 1 G, 2 B, −1 transparency) the samples, row-major.</param>
    public sealed record Layer(string Name, string UnicodeName, int X, int Y, int Width, int Height, Dictionary<short, int[]> Channels);

    public static (int Depth, List<Layer> Layers) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int at = 0;
        int U16() { int v = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at)); at += 2; return v; }
        int I32() { int v = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)); at += 4; return v; }
        Assert.Equal("8BPS", Encoding.ASCII.GetString(bytes, 0, 4));
        at = 22;
        int depth = U16();
        at = 26;
        at += 4 + I32(); // colour mode data
        at += 4 + I32(); // image resources
        I32(); I32(); // section and layer info lengths
        int count = Math.Abs((short)U16());
        var records = new List<(Layer Layer, List<(short Id, int Length)> Channels)>();
        for (int i = 0; i < count; i++)
        {
            int top = I32(), left = I32(), bottom = I32(), right = I32();
            var channels = Enumerable.Range(0, U16()).Select(_ => ((short)U16(), I32())).ToList();
            at += 12; // blend signature and key, opacity, clipping, flags, filler
            int extraEnd = I32() + at;
            at += 4 + I32(); // layer mask
            at += 4 + I32(); // blending ranges
            int nameLength = bytes[at];
            string name = Encoding.UTF8.GetString(bytes, at + 1, nameLength);
            at += (nameLength + 1 + 3) / 4 * 4;
            string unicode = "";
            while (at < extraEnd)
            {
                string key = Encoding.ASCII.GetString(bytes, at + 4, 4);
                at += 8;
                int length = I32();
                if (key == "luni") unicode = Encoding.BigEndianUnicode.GetString(bytes, at + 4, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)) * 2);
                at += length;
            }
            records.Add((new Layer(name, unicode, left, top, right - left, bottom - top, []), channels));
        }
        foreach (var (layer, channels) in records)
        {
            foreach (var (id, length) in channels)
            {
                int end = at + length;
                Assert.Equal(1, U16());
                var rowLengths = Enumerable.Range(0, layer.Height).Select(_ => U16()).ToList();
                var samples = new List<int>();
                foreach (int rowLength in rowLengths)
                {
                    var row = Unpack(bytes.AsSpan(at, rowLength));
                    at += rowLength;
                    for (int x = 0; x < layer.Width; x++)
                        samples.Add(depth == 16 ? BinaryPrimitives.ReadUInt16BigEndian(row.AsSpan(2 * x)) : row[x]);
                }
                Assert.Equal(end, at);
                layer.Channels[id] = [.. samples];
            }
        }
        return (depth, [.. records.Select(r => r.Layer)]);
    }

    private static byte[] Unpack(ReadOnlySpan<byte> packed)
    {
        var row = new List<byte>();
        for (int i = 0; i < packed.Length;)
        {
            int header = (sbyte)packed[i++];
            if (header >= 0) { row.AddRange(packed.Slice(i, header + 1)); i += header + 1; }
            else if (header != -128) { row.AddRange(Enumerable.Repeat(packed[i], 1 - header)); i++; }
        }
        return [.. row];
    }
}
