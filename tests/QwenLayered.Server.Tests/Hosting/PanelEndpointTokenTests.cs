using QwenLayered.Bridge;
using QwenLayered.Bridge.Protocol;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.Hosting;

/// <summary>
/// A server with API tokens: its own panel endpoint calls its gRPC port with <c>authorization: Bearer</c>, carrying
/// the token of the panel's hello, or Panel:Token when the server has one.
/// </summary>
public class PanelEndpointTokenTests
{
    [Fact]
    public async Task Hello_WithAnArtistsToken_IsWelcomed()
    {
        await using var server = await StartAsync();

        var reply = await HelloAsync(server, Artists.Ann);

        Assert.IsType<WelcomeMessage>(reply);
    }

    [Fact]
    public async Task Hello_WithAnUnknownToken_GetsFatalBadToken()
    {
        await using var server = await StartAsync();

        var error = Assert.IsType<ErrorMessage>(await HelloAsync(server, "stolen"));

        Assert.Equal((ErrorCodes.BadToken, true), (error.Code, error.Fatal));
    }

    [Fact]
    public async Task Hello_WithoutAToken_IsWelcomedWithTheConfiguredPanelToken()
    {
        await using var server = await StartAsync(("Panel:Token", Artists.Bob));

        var reply = await HelloAsync(server, token: null);

        Assert.IsType<WelcomeMessage>(reply);
    }

    private static async Task<RunningServer> StartAsync(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>(Artists.TokenSettings);
        foreach (var (key, value) in settings) all[key] = value;
        var server = new RunningServer { Settings = all };
        await server.InitializeAsync();
        return server;
    }

    private static async Task<PanelMessage> HelloAsync(RunningServer server, string? token)
    {
        using var panel = await PanelSocket.ConnectAsync(server.HttpPort);
        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, token));
        return await panel.ReceiveAsync();
    }
}
