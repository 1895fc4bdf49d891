using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>
/// A gRPC server running one <see cref="FakeDecomposer"/> that can stop and start again on the same port, as a server
/// restarts; its jobs outlive the restart, as results kept on disk do. In front of it a bridge that retries it quickly.
/// </summary>
public sealed class RestartingServer : IAsyncDisposable
{
    private readonly int _port = FreePort();
    private readonly WebApplication _bridge;
    private WebApplication? _server;

    public RestartingServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        builder.Services.AddPanelBridge(panel =>
        {
            panel.Server = new Uri($"http://127.0.0.1:{_port}");
            panel.ServerRetryDelay = TimeSpan.FromMilliseconds(10);
            panel.ServerRetryMaxDelay = TimeSpan.FromMilliseconds(100);
        });
        _bridge = builder.Build();
        _bridge.UseWebSockets();
        _bridge.MapPanelBridge("/panel");
    }

    public FakeDecomposer Decomposer { get; } = new();

    public Uri PanelUri => new($"ws://127.0.0.1:{new Uri(_bridge.Urls.Single()).Port}/panel");

    /// <summary>Starts the bridge only: the server is down until <see cref="StartServerAsync"/>.</summary>
    public Task StartBridgeAsync() => _bridge.StartAsync(TestContext.Current.CancellationToken);

    public async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(Decomposer);
        _server = builder.Build();
        _server.MapGrpcService<FakeDecomposer>();
        await _server.StartAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Stops the server at once, cutting its open streams, as a process that goes away does.</summary>
    public async Task StopServerAsync()
    {
        await _server!.StopAsync(new CancellationToken(canceled: true));
        await _server.DisposeAsync();
        _server = null;
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        await _bridge.DisposeAsync();
    }
}
