using System.Buffers;
using System.Net.WebSockets;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Session;

/// <summary>A WebSocket that reads whole messages (until EndOfMessage, within a size limit) and serialises its writes.</summary>
internal sealed class FramedSocket(WebSocket socket, int maxMessageBytes)
{
    /// <summary>Largest message <see cref="ReceiveAsync"/> reads whole; larger ones are drained.</summary>
    public int MaxMessageBytes { get; set; } = maxMessageBytes;

    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>
    /// The next whole message, in memory of its own that nothing else writes; null once the peer closed. Oversized
    /// messages are drained and reported as too large.
    /// </summary>
    public async Task<(WebSocketMessageType Type, ReadOnlyMemory<byte> Data, bool TooLarge)?> ReceiveAsync(CancellationToken cancellation)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var message = new MemoryStream();
            var tooLarge = false;
            while (true)
            {
                var result = await socket.ReceiveAsync(chunk.AsMemory(), cancellation);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                tooLarge |= message.Length + result.Count > MaxMessageBytes;
                if (!tooLarge) message.Write(chunk, 0, result.Count);
                // The stream's own buffer rather than one more copy of the image.
                if (result.EndOfMessage) return (result.MessageType, tooLarge ? default : message.GetBuffer().AsMemory(0, (int)message.Length), tooLarge);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public Task SendAsync(PanelFrame frame, CancellationToken cancellation) =>
        frame.Message.CarriesPayload
            ? SendAsync(PanelCodec.EncodeBinary(frame.Message, frame.Payload.Span), WebSocketMessageType.Binary, cancellation)
            : SendAsync(System.Text.Encoding.UTF8.GetBytes(PanelCodec.EncodeText(frame.Message)), WebSocketMessageType.Text, cancellation);

    public Task SendAsync(PanelMessage message, CancellationToken cancellation) => SendAsync(new PanelFrame(message, default), cancellation);

    public async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellation)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            // CloseReceived: the panel closed first and waits for the close handshake to complete.
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived) await socket.CloseOutputAsync(status, reason, cancellation);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task SendAsync(byte[] data, WebSocketMessageType type, CancellationToken cancellation)
    {
        await _writeLock.WaitAsync(cancellation);
        try
        {
            await socket.SendAsync(data, type, endOfMessage: true, cancellation);
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
