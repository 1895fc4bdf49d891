using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.Bridge;
using QwenLayered.Bridge.Protocol;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>qwenlayered serve carries the panel bridge on its HTTP/1.1 port, calling its own scheduler.</summary>
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
    public async Task AttachAndCancel_UnknownJob_GetTheSchedulersNotFoundMessage()
    {
        using var panel = await PanelSocket.ConnectAsync(server.HttpPort);
        await panel.SendAsync(new HelloMessage(PanelProtocol.Version));
        await panel.ReceiveAsync();

        await panel.SendAsync(new AttachMessage("no-such-job"));
        var attach = Assert.IsType<ErrorMessage>(await panel.ReceiveAsync());
        await panel.SendAsync(new CancelMessage("no-such-job"));
        var cancel = Assert.IsType<ErrorMessage>(await panel.ReceiveAsync());

        Assert.Equal((ErrorCodes.NotFound, "no-such-job"), (attach.Code, attach.JobId));
        Assert.Equal((ErrorCodes.NotFound, "no-such-job"), (cancel.Code, cancel.JobId));
        Assert.StartsWith("No job 'no-such-job' is known to this server.", attach.Message);
    }

    [Fact]
    public void PanelEndpoint_CallsTheSchedulerInThisProcess_WithoutAGrpcChannelToItself()
    {
        Assert.IsType<InProcessPanelDecomposer>(server.Services.GetRequiredService<IPanelDecomposer>());
        Assert.Null(server.Services.GetService<GrpcChannel>());
    }

    [Fact]
    public async Task Panel_OnTheGrpcPort_IsNotFound()
    {
        using var http = CleartextHttp2.Client();

        var response = await http.GetAsync($"http://127.0.0.1:{server.GrpcPort}/panel", Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
