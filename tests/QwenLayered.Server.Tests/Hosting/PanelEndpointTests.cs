using System.Net.WebSockets;
using System.Text;
using QwenLayered.Bridge;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>qwenlayered serve carries the panel bridge on its HTTP/1.1 port, relaying to its own gRPC port.</summary>
public class PanelEndpointTests(RunningServer server) : IClassFixture<RunningServer>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Hello_OnTheHttp1Port_IsWelcomedWithThisServersInfo()
    {
        using var socket = await ConnectAsync();

        await SendAsync(socket, PanelCodec.EncodeText(new HelloMessage(PanelProtocol.Version)), WebSocketMessageType.Text);

        var welcome = Assert.IsType<WelcomeMessage>(await ReceiveAsync(socket));
        Assert.Equal(("qwenlayered.v1", false, 8), (welcome.Server.ContractVersion, welcome.Server.ModelLoaded, welcome.Server.MaxLayers));
    }

    [Fact]
    public async Task Submit_WithoutModel_GetsTheServersUnavailableMessage()
    {
        using var socket = await ConnectAsync();
        await SendAsync(socket, PanelCodec.EncodeText(new HelloMessage(PanelProtocol.Version)), WebSocketMessageType.Text);
        await ReceiveAsync(socket);

        await SendAsync(socket, PanelCodec.EncodeBinary(new SubmitMessage("req-1"), TestImages.PngHeader), WebSocketMessageType.Binary);

        var error = Assert.IsType<ErrorMessage>(await ReceiveAsync(socket));
        Assert.Equal((ErrorCodes.ServerUnavailable, "req-1"), (error.Code, error.ClientRequestId));
        Assert.Contains("No model is loaded", error.Message);
    }

    [Fact]
    public async Task Panel_OnTheGrpcPort_IsNotServed()
    {
        using var socket = new ClientWebSocket();

        await Assert.ThrowsAnyAsync<Exception>(() => socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.GrpcPort}/panel"), Cancellation));
    }

    private async Task<ClientWebSocket> ConnectAsync()
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{server.HttpPort}/panel"), Cancellation);
        return socket;
    }

    private static Task SendAsync(WebSocket socket, string text, WebSocketMessageType type) => SendAsync(socket, Encoding.UTF8.GetBytes(text), type);

    private static Task SendAsync(WebSocket socket, byte[] data, WebSocketMessageType type) =>
        socket.SendAsync(data, type, endOfMessage: true, Cancellation);

    private static async Task<PanelMessage> ReceiveAsync(WebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, Cancellation);
        Assert.True(result.EndOfMessage);
        return PanelCodec.DecodeText(buffer.AsSpan(0, result.Count)).Message;
    }
}
