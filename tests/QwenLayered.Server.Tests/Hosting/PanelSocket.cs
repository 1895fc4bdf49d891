using System.Net.Security;
using System.Net.WebSockets;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>A bare panel connection to a server's own <c>/panel</c> endpoint, speaking the bridge's codec.</summary>
internal sealed class PanelSocket : IDisposable
{
    private readonly ClientWebSocket _socket = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static Task<PanelSocket> ConnectAsync(int httpPort) => ConnectAsync(new Uri($"ws://127.0.0.1:{httpPort}/panel"));

    /// <summary>Connects to <paramref name="address"/>; a wss:// one checks the server's certificate with <paramref name="validate"/>.</summary>
    public static async Task<PanelSocket> ConnectAsync(Uri address, RemoteCertificateValidationCallback? validate = null)
    {
        var panel = new PanelSocket();
        panel._socket.Options.RemoteCertificateValidationCallback = validate;
        await panel._socket.ConnectAsync(address, Cancellation);
        return panel;
    }

    public Task SendAsync(PanelMessage message) =>
        _socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(PanelCodec.EncodeText(message)), WebSocketMessageType.Text, endOfMessage: true, Cancellation);

    public Task SendAsync(PanelMessage message, byte[] payload) =>
        _socket.SendAsync(PanelCodec.EncodeBinary(message, payload), WebSocketMessageType.Binary, endOfMessage: true, Cancellation);

    /// <summary>The next text message (every reply these tests expect is one).</summary>
    public async Task<PanelMessage> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var result = await _socket.ReceiveAsync(buffer, Cancellation);
        Assert.True(result.EndOfMessage);
        return PanelCodec.DecodeText(buffer.AsSpan(0, result.Count)).Message;
    }

    public void Dispose() => _socket.Dispose();
}
