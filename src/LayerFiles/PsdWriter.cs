using System.Buffers.Binary;
using System.Text;

namespace QwenLayered.LayerFiles;

/// <summary>
/// Writes a layered PSD (Adobe's Photoshop File Format specification, version 1) at 8 or 16 bits per channel: RGB,
/// each layer a record with its bounds, name (Pascal string and the Unicode "luni" block) and four channels (R, G, B,
/// transparency), its rows PackBits-compressed, then the composite blended with white as the merged image. Rows are
/// compressed as they are written and the lengths filled in afterwards, so no layer is ever copied to a canvas.
/// </summary>
internal static class PsdWriter
{
    /// <summary>The largest width or height a version 1 PSD holds.</summary>
    public const int MaxSide = 30000;

    private static readonly short[] ChannelIds = [0, 1, 2, -1];

    public static void Write(Stream stream, PlacedDocument document, int bitsPerChannel)
    {
        if (document.Width > MaxSide || document.Height > MaxSide)
            throw new ArgumentException($"A PSD holds at most {MaxSide}x{MaxSide} pixels; this canvas is {document.Width}x{document.Height}.");
        var file = new BigEndian(stream);
        file.Bytes("8BPS"u8); file.U16(1); file.Bytes(new byte[6]); file.U16(3); file.U32(document.Height); file.U32(document.Width);
        file.U16(bitsPerChannel); file.U16(3);
        file.U32(0); // colour mode data
        file.U32(0); // image resources
        long section = file.Placeholder();
        long layerInfo = file.Placeholder();
        file.U16(document.Layers.Count);
        var channelLengths = document.Layers.Select(layer => WriteRecord(file, layer)).ToList();
        for (int i = 0; i < document.Layers.Count; i++)
        {
            var layer = document.Layers[i];
            for (int c = 0; c < 4; c++)
            {
                long start = stream.Position;
                file.U16(1);
                WriteRle(file, layer.Height, y => Row(layer, y, c < 3 ? c : 3, bitsPerChannel));
                file.Patch(channelLengths[i][c], stream.Position - start);
            }
        }
        if ((stream.Position - layerInfo - 4) % 2 != 0) file.Bytes([0]);
        file.Patch(layerInfo, stream.Position - layerInfo - 4);
        file.U32(0); // global layer mask
        file.Patch(section, stream.Position - section - 4);
        WriteMerged(file, document, bitsPerChannel);
    }

    // The record, with placeholders for its channels' lengths, which are returned.
    private static long[] WriteRecord(BigEndian file, PlacedLayer layer)
    {
        file.I32(layer.Y); file.I32(layer.X); file.I32(layer.Y + layer.Height); file.I32(layer.X + layer.Width);
        file.U16(4);
        var lengths = new long[4];
        for (int c = 0; c < 4; c++)
        {
            file.U16((ushort)ChannelIds[c]);
            lengths[c] = file.Placeholder();
        }
        file.Bytes("8BIMnorm"u8);
        file.Bytes([255, 0, (byte)(layer.Visible ? 0 : 2), 0]);
        long extra = file.Placeholder();
        file.U32(0); // layer mask
        file.U32(0); // blending ranges
        byte[] name = PascalName(layer.Name);
        file.Bytes([(byte)name.Length]);
        file.Bytes(name);
        file.Bytes(new byte[(4 - (name.Length + 1) % 4) % 4]);
        byte[] unicode = Encoding.BigEndianUnicode.GetBytes(layer.Name);
        int luni = 4 + unicode.Length + (unicode.Length % 4 == 0 ? 0 : 2);
        file.Bytes("8BIMluni"u8); file.U32(luni); file.U32(layer.Name.Length); file.Bytes(unicode); file.Bytes(new byte[luni - 4 - unicode.Length]);
        file.Patch(extra, file.Position - extra - 4);
        return lengths;
    }

    // UTF-8 cut to the 255 bytes a Pascal string holds, at a character boundary.
    private static byte[] PascalName(string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        int length = Math.Min(bytes.Length, 255);
        while (length < bytes.Length && (bytes[length] & 0xC0) == 0x80) length--;
        return bytes[..length];
    }

    private static byte[] Row(PlacedLayer layer, int y, int channel, int bitsPerChannel)
    {
        int start = y * layer.Width * 4 + channel;
        if (bitsPerChannel == 8)
        {
            var row = new byte[layer.Width];
            for (int x = 0; x < layer.Width; x++) row[x] = layer.Rgba8[start + 4 * x];
            return row;
        }
        var deep = new byte[layer.Width * 2];
        for (int x = 0; x < layer.Width; x++)
        {
            ushort value = layer.Rgba16 is { } sixteen ? sixteen[start + 4 * x] : (ushort)(layer.Rgba8[start + 4 * x] * 257);
            BinaryPrimitives.WriteUInt16BigEndian(deep.AsSpan(2 * x), value);
        }
        return deep;
    }

    // The composite, blended with white as Photoshop stores a transparent document's, in planes R, G, B.
    private static void WriteMerged(BigEndian file, PlacedDocument document, int bitsPerChannel)
    {
        int width = document.Width;
        Func<int, int, double> sample;
        if (bitsPerChannel == 8)
        {
            var composite = PlacedCompositor.Over8(document);
            sample = (p, c) => composite[4 * p + 3] / 255.0 * (composite[4 * p + c] / 255.0) + (1 - composite[4 * p + 3] / 255.0);
        }
        else
        {
            var composite = PlacedCompositor.Over16(document);
            sample = (p, c) => composite[4 * p + 3] / 65535.0 * (composite[4 * p + c] / 65535.0) + (1 - composite[4 * p + 3] / 65535.0);
        }
        file.U16(1);
        long counts = file.Position;
        file.Bytes(new byte[3 * document.Height * 2]);
        var lengths = new List<int>();
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < document.Height; y++)
            {
                var row = new byte[width * bitsPerChannel / 8];
                for (int x = 0; x < width; x++)
                {
                    double value = sample(y * width + x, c);
                    if (bitsPerChannel == 8) row[x] = (byte)Math.Round(value * 255);
                    else BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * x), (ushort)Math.Round(value * 65535));
                }
                lengths.Add(PackBits(file, row));
            }
        }
        long end = file.Position;
        file.Seek(counts);
        foreach (int length in lengths) file.U16(length);
        file.Seek(end);
    }

    // The row byte counts, then the rows.
    private static void WriteRle(BigEndian file, int height, Func<int, byte[]> row)
    {
        long counts = file.Position;
        file.Bytes(new byte[height * 2]);
        var lengths = new int[height];
        for (int y = 0; y < height; y++) lengths[y] = PackBits(file, row(y));
        long end = file.Position;
        file.Seek(counts);
        foreach (int length in lengths) file.U16(length);
        file.Seek(end);
    }

    /// <summary>PackBits: runs of 2 to 128 equal bytes as (1 − n, byte), other bytes as (n − 1, n bytes).</summary>
    /// <returns>The bytes written.</returns>
    internal static int PackBits(BigEndian file, ReadOnlySpan<byte> row)
    {
        long start = file.Position;
        int i = 0;
        while (i < row.Length)
        {
            int run = 1;
            while (i + run < row.Length && run < 128 && row[i + run] == row[i]) run++;
            if (run >= 2)
            {
                file.Bytes([(byte)(1 - run), row[i]]);
                i += run;
                continue;
            }
            int literal = i++;
            while (i < row.Length && i - literal < 128 && !(i + 1 < row.Length && row[i] == row[i + 1])) i++;
            file.Bytes([(byte)(i - literal - 1)]);
            file.Bytes(row[literal..i]);
        }
        return checked((int)(file.Position - start));
    }

    /// <summary>Big-endian numbers onto a seekable stream, and lengths filled in once known.</summary>
    internal sealed class BigEndian(Stream stream)
    {
        private readonly byte[] _number = new byte[4];

        public long Position => stream.Position;

        public void Seek(long position) => stream.Position = position;

        public void Bytes(ReadOnlySpan<byte> bytes) => stream.Write(bytes);

        public void U16(int value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_number, checked((ushort)value));
            stream.Write(_number, 0, 2);
        }

        public void U32(long value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_number, checked((uint)value));
            stream.Write(_number, 0, 4);
        }

        public void I32(int value)
        {
            BinaryPrimitives.WriteInt32BigEndian(_number, value);
            stream.Write(_number, 0, 4);
        }

        /// <summary>Four bytes to <see cref="Patch"/> with a length later; returns where they are.</summary>
        public long Placeholder()
        {
            long at = stream.Position;
            U32(0);
            return at;
        }

        public void Patch(long at, long value)
        {
            long end = stream.Position;
            stream.Position = at;
            U32(value);
            stream.Position = end;
        }
    }
}
