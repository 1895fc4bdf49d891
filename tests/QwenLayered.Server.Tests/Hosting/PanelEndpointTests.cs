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
        using var panel = await PanelSocket.ConnectAsync(server.HttpPort);

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version));

        var welcome = Assert.IsType<WelcomeMessage>(await panel.ReceiveAsync());
        Assert.Equal(("qwenlayered.v1", false, 8), (welcome.Server.ContractVersion, welcome.Server.ModelLoaded, welcome.Server.MaxLayers));
    }

    [Fact]
    public async Task Submit_WithoutModel_GetsTheServersUnavailableMessage()
    {
        using var panel = await PanelSocket.ConnectAsync(server.HttpPort);
        await panel.SendAsync(new HelloMessage(PanelProtocol.Version));
        await panel.ReceiveAsync();

        await panel.SendAsync(new SubmitMessage("req-1"), TestImages.PngHeader);

        var error = Assert.IsType<ErrorMessage>(await panel.ReceiveAsync());
        Assert.Equal((ErrorCodes.ServerUnavailable, "req-1"), (error.Code, error.ClientRequestId));
        Assert.Contains("No model is loaded", error.Message);
    }

    [Fact]
    public async Task Panel_OnTheGrpcPort_IsNotFound()
    {
        using var http = CleartextHttp2.Client();

        var response = await http.GetAsync($"http://127.0.0.1:{server.GrpcPort}/panel", Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
