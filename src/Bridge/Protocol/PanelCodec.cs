using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace QwenLayered.Bridge.Protocol;

/// <summary>
/// Encodes and decodes panel protocol frames. Text frames hold one JSON message. Binary frames hold a fixed header
/// (the 4 ASCII bytes "QLPF", then the JSON length as a big-endian uint32), the JSON message, then the payload bytes.
/// </summary>
public static class PanelCodec
{
    public const int HeaderSize = 8;
    private static readonly byte[] Magic = "QLPF"u8.ToArray();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A panel may write "type" anywhere in the object.
        AllowOutOfOrderMetadataProperties = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static string EncodeText(PanelMessage message) =>
        message.CarriesPayload
            ? throw new ArgumentException($"{message.GetType().Name} carries image bytes and goes in a binary frame.", nameof(message))
            : JsonSerializer.Serialize(message, Json);

    public static byte[] EncodeBinary(PanelMessage message, ReadOnlySpan<byte> payload)
    {
        if (!message.CarriesPayload) throw new ArgumentException($"{message.GetType().Name} goes in a text frame.", nameof(message));
        var json = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        var frame = new byte[HeaderSize + json.Length + payload.Length];
        Magic.CopyTo(frame, 0);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)json.Length);
        json.CopyTo(frame, HeaderSize);
        payload.CopyTo(frame.AsSpan(HeaderSize + json.Length));
        return frame;
    }

    public static PanelFrame DecodeText(ReadOnlySpan<byte> utf8)
    {
        var message = Parse(utf8);
        if (message.CarriesPayload) throw new PanelFrameException($"A '{TypeName(message)}' message carries image bytes and must come in a binary frame.");
        return new PanelFrame(message, ReadOnlyMemory<byte>.Empty);
    }

    public static PanelFrame DecodeBinary(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span.Length < HeaderSize || !span[..4].SequenceEqual(Magic))
            throw new PanelFrameException("A binary frame must start with \"QLPF\" and the JSON length.");
        var jsonLength = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        if (jsonLength > span.Length - HeaderSize)
            throw new PanelFrameException($"The binary frame announces {jsonLength} bytes of JSON but holds only {span.Length - HeaderSize} bytes after its header.");
        var message = Parse(span.Slice(HeaderSize, (int)jsonLength));
        var payload = frame[(HeaderSize + (int)jsonLength)..];
        if (!message.CarriesPayload) throw new PanelFrameException($"A '{TypeName(message)}' message goes in a text frame.");
        if (payload.IsEmpty) throw new PanelFrameException($"A '{TypeName(message)}' frame must carry image bytes after its JSON.");
        return new PanelFrame(message, payload);
    }

    private static PanelMessage Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize<PanelMessage>(utf8, Json)
                ?? throw new PanelFrameException("The frame holds JSON null instead of a message.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // NotSupportedException: no "type" at all, so the abstract base would have to be built.
            throw new PanelFrameException($"Not a panel protocol message: {FirstLine(e.Message)}", e);
        }
    }

    private static string TypeName(PanelMessage message) =>
        JsonSerializer.SerializeToElement(message, Json).GetProperty("type").GetString()!;

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}
