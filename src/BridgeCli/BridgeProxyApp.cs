using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using QwenLayered.Bridge;
using QwenLayered.CommandLine;

namespace QwenLayered.BridgeCli;

/// <summary>The local proxy: the panel WebSocket and a status page on 127.0.0.1, gRPC to the remote server.</summary>
public static class BridgeProxyApp
{
    /// <summary>The same port as the server's own HTTP endpoint, so the panel's default address works in both setups.</summary>
    public const int DefaultPort = 50052;

    public static WebApplication Build(Uri server, string? token, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.LeaveFailedStartToTheCommandLine();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.AddPanelBridge(panel =>
        {
            panel.Server = server;
            panel.Token = token;
        });

        var app = builder.Build();
        app.UseWebSockets();
        app.MapPanelBridge("/panel");
        app.MapPanelStatusPage("/", "qwenlayered-bridge");
        return app;
    }
}
