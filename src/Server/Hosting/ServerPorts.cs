using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// The server's two ports as Kestrel bound them, so a configured port of 0 (any free port) reads as the port the
/// system picked. Known once the server has started.
/// </summary>
public sealed class ServerPorts
{
    internal ListenOptions? GrpcEndpoint { get; set; }

    internal ListenOptions? HttpEndpoint { get; set; }

    /// <summary>The gRPC (HTTP/2) port.</summary>
    public int Grpc => Bound(GrpcEndpoint);

    /// <summary>The HTTP/1.1 port: the panel WebSocket, /healthz and /metrics.</summary>
    public int Http => Bound(HttpEndpoint);

    private static int Bound(ListenOptions? endpoint) =>
        endpoint?.IPEndPoint is { Port: > 0 } bound ? bound.Port
        : throw new InvalidOperationException("The server has not bound its ports yet; they are known once it has started.");
}
