using System.Net;

namespace QwenLayered.Server.Tests;

/// <summary>HTTP/2 without TLS from the first byte, as the gRPC port speaks it: plain requests that port's routing answers.</summary>
internal static class CleartextHttp2
{
    public static HttpClient Client() => new()
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };
}
