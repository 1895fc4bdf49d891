using System.Net;

namespace QwenLayered.Server.Hosting;

/// <summary>
/// Where the server listens: Server:Host, on its two ports, and nowhere else. Without API tokens every caller is the same
/// local artist, so such a server must not be reachable from other machines.
/// </summary>
internal static class ListenAddress
{
    /// <exception cref="ServerConfigurationException">The host is not an address, or not loopback while no tokens are configured.</exception>
    public static IPAddress Choose(string host, bool hasTokens)
    {
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new ServerConfigurationException($"Server:Host '{host}' is not an IP address. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
        // An IPv6 socket cannot bind an IPv4 address written the IPv6 way (::ffff:127.0.0.1); the IPv4 form is the same address.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (!IPAddress.IsLoopback(address) && !hasTokens)
            throw new ServerConfigurationException(
                $"Refusing to listen on {host}: no API tokens are configured, so anyone who can reach this machine could use it. " +
                "Configure Auth:Tokens (see docs/deploy.md), or listen on 127.0.0.1.");
        return address;
    }

    /// <summary>Where the server's own panel bridge dials its gRPC port: the listen address, loopback for "every interface".</summary>
    public static IPAddress Loopback(IPAddress address) =>
        address.Equals(IPAddress.Any) ? IPAddress.Loopback : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : address;

    /// <summary>
    /// Refuses Kestrel:Endpoints: Kestrel would listen there too, past the loopback rule and the port each endpoint belongs to.
    /// </summary>
    /// <exception cref="ServerConfigurationException">Kestrel:Endpoints names an endpoint.</exception>
    public static void RefuseKestrelEndpoints(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint.Key).ToList();
        if (endpoints.Count > 0)
            throw new ServerConfigurationException(
                $"Kestrel:Endpoints ({string.Join(", ", endpoints)}) is not used by qwenlayered serve: it listens on Server:Host, " +
                "Server:GrpcPort and Server:HttpPort, with TLS from Kestrel:Certificates:Default (see docs/deploy.md). Remove Kestrel:Endpoints.");
    }
}
