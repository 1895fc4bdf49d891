namespace QwenLayered.Server.Hosting;

/// <summary>Where the server listens (configuration section "Server").</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>Listen address; loopback by default so nothing is exposed until an admin decides to.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The gRPC endpoint: HTTP/2 only, since cleartext HTTP/2 needs a port of its own.</summary>
    public int GrpcPort { get; set; } = 50051;

    /// <summary>The HTTP/1.1 endpoint: the panel's WebSocket, /healthz and /metrics.</summary>
    public int HttpPort { get; set; } = 50052;

    /// <summary>
    /// Starts every job id ("gpu1-…"), so a load balancer in front of several servers can route Attach and Cancel
    /// to the server that holds the job by the id's prefix (docs/deploy.md). Letters, digits and '-'; empty for none.
    /// </summary>
    public string InstanceName { get; set; } = "";
}
