using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.BridgeCli;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>
/// A gRPC server running <see cref="FakeDecomposer"/>, with the panel bridge's gRPC client served both ways in front of
/// it: on the same app's HTTP/1.1 port and by the qwenlayered-bridge proxy app. All on free ports. (qwenlayered serve's
/// own endpoint calls its scheduler instead; the server's tests cover it.)
/// </summary>
public sealed class BridgeHosts : IAsyncLifetime
{
    public const string InProcess = "in-process";
    public const string Proxy = "proxy";

    private readonly List<WebApplication> _apps = [];
    // Bound but never listening: a connection to its port is refused, as by a server that does not exist.
    private readonly Socket _deadServer = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private int _inProcessPort;
    private int _proxyPort;

    public FakeDecomposer Decomposer { get; } = new();

    public Uri PanelUri(string host) => new($"ws://127.0.0.1:{(host == InProcess ? _inProcessPort : _proxyPort)}/panel");

    public Uri ProxyUri => new($"http://127.0.0.1:{_proxyPort}/");

    /// <summary>A started proxy whose server does not exist; started on demand, owned by the caller.</summary>
    public async Task<(WebApplication App, Uri Panel)> StartUnreachableProxyAsync()
    {
        var proxy = BridgeProxyApp.Build(new Uri($"http://127.0.0.1:{((IPEndPoint)_deadServer.LocalEndPoint!).Port}"), null, 0);
        await proxy.StartAsync(TestContext.Current.CancellationToken);
        return (proxy, new Uri($"ws://127.0.0.1:{Port(proxy)}/panel"));
    }

    public async ValueTask InitializeAsync()
    {
        _deadServer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ListenOptions grpc = null!, inProcess = null!;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpc = listen;
            });
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                inProcess = listen;
            });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(Decomposer);
        // Read at the first panel connection, when the port is bound.
        builder.Services.AddPanelBridge(panel => panel.Server = GrpcUri(grpc));
        var server = builder.Build();
        server.UseWebSockets();
        server.MapGrpcService<FakeDecomposer>();
        server.MapPanelBridge("/panel");
        _apps.Add(server);
        await server.StartAsync(TestContext.Current.CancellationToken);
        _inProcessPort = inProcess.IPEndPoint!.Port;

        var proxy = BridgeProxyApp.Build(GrpcUri(grpc), null, 0);
        _apps.Add(proxy);
        await proxy.StartAsync(TestContext.Current.CancellationToken);
        _proxyPort = Port(proxy);
    }

    private static Uri GrpcUri(ListenOptions grpc) => new($"http://127.0.0.1:{grpc.IPEndPoint!.Port}");

    // The proxy listens on one port only.
    private static int Port(WebApplication proxy) => new Uri(proxy.Urls.Single()).Port;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        _deadServer.Dispose();
    }
}
