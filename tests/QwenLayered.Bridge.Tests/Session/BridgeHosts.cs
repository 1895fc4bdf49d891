using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using QwenLayered.BridgeProxy;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>
/// A gRPC server running <see cref="FakeDecomposer"/>, with the panel bridge served both ways in front of it: in-process
/// on the same app's HTTP/1.1 port (as qwenlayered serve does) and by the qwenlayered-bridge proxy app.
/// </summary>
public sealed class BridgeHosts : IAsyncLifetime
{
    public const string InProcess = "in-process";
    public const string Proxy = "proxy";

    private readonly int _grpcPort = FreePort();
    private readonly int _inProcessPort = FreePort();
    private readonly int _proxyPort = FreePort();
    private readonly int _deadPort = FreePort();
    private readonly List<WebApplication> _apps = [];

    public FakeDecomposer Decomposer { get; } = new();

    public Uri PanelUri(string host) => new($"ws://127.0.0.1:{(host == InProcess ? _inProcessPort : _proxyPort)}/panel");

    public Uri ProxyUri => new($"http://127.0.0.1:{_proxyPort}/");

    /// <summary>A proxy whose server does not exist; built on demand, owned by the caller.</summary>
    public (WebApplication App, Uri Panel) UnreachableProxy()
    {
        var port = FreePort();
        return (BridgeProxyApp.Build(new Uri($"http://127.0.0.1:{_deadPort}"), null, port), new Uri($"ws://127.0.0.1:{port}/panel"));
    }

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, _inProcessPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(Decomposer);
        builder.Services.AddPanelBridge(panel => panel.Server = new Uri($"http://127.0.0.1:{_grpcPort}"));
        var server = builder.Build();
        server.UseWebSockets();
        server.MapGrpcService<FakeDecomposer>();
        server.MapPanelBridge("/panel");
        _apps.Add(server);
        _apps.Add(BridgeProxyApp.Build(new Uri($"http://127.0.0.1:{_grpcPort}"), null, _proxyPort));
        foreach (var app in _apps) await app.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
