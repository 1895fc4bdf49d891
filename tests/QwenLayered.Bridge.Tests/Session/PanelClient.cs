using System.Net.WebSockets;
using System.Text;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>A test stand-in for the panel: raw WebSocket frames in, decoded panel frames out.</summary>
public sealed class PanelClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public WebSocketState State => _socket.State;

    public static async Task<PanelClient> ConnectAsync(Uri uri, string? origin = null)
    {
        var client = new PanelClient();
        if (origin is not null) client._socket.Options.SetRequestHeader("Origin", origin);
        await client._socket.ConnectAsync(uri, Cancellation);
        return client;
    }

    /// <summary>Connects and says hello with the right token; returns the client after its welcome.</summary>
    public static async Task<PanelClient> GreetedAsync(Uri uri)
    {
        var client = await ConnectAsync(uri);
        await client.SendAsync(new HelloMessage(PanelProtocol.Version, FakeDecomposer.Token));
        Assert.IsType<WelcomeMessage>((await client.ReceiveAsync()).Message);
        return client;
    }

    public Task SendAsync(PanelMessage message) => SendTextAsync(PanelCodec.EncodeText(message));

    public Task SendAsync(PanelMessage message, byte[] payload) => SendBinaryAsync(PanelCodec.EncodeBinary(message, payload));

    public Task SendTextAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, Cancellation);

    public Task SendBinaryAsync(byte[] data) => _socket.SendAsync(data, WebSocketMessageType.Binary, true, Cancellation);

    /// <summary>The next frame from the bridge, decoded with the protocol's own codec.</summary>
    public async Task<PanelFrame> ReceiveAsync()
    {
        var (type, data) = await ReceiveRawAsync() ?? throw new InvalidOperationException($"The bridge closed the connection: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
        return type == WebSocketMessageType.Text ? PanelCodec.DecodeText(data) : PanelCodec.DecodeBinary(data);
    }

    /// <summary>Frames until one of type <typeparamref name="T"/> arrives (inclusive).</summary>
    public async Task<List<PanelFrame>> ReceiveUntilAsync<T>() where T : PanelMessage
    {
        var frames = new List<PanelFrame>();
        do frames.Add(await ReceiveAsync()); while (frames[^1].Message is not T);
        return frames;
    }

    /// <summary>Null when the bridge closed the connection.</summary>
    public async Task<(WebSocketMessageType, byte[])?> ReceiveRawAsync()
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var result = await _socket.ReceiveAsync(chunk, Cancellation);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Write(chunk, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, buffer.ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Minutes: a close handshake is quick even on a loaded machine, and this only stops a hung one.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        if (_socket.State == WebSocketState.Open)
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        _socket.Dispose();
    }
}
