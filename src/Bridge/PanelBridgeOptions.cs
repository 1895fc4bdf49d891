namespace QwenLayered.Bridge;

/// <summary>How the panel bridge reaches the gRPC server and whom it lets in (configuration section "Panel").</summary>
public sealed class PanelBridgeOptions
{
    public const string Section = "Panel";

    /// <summary>
    /// The gRPC server: http:// for cleartext HTTP/2, https:// for TLS. Inside qwenlayered serve, which needs no
    /// connection to itself, the address its gRPC port is reached at, for messages and the status page.
    /// </summary>
    public Uri Server { get; set; } = new("http://127.0.0.1:50051");

    /// <summary>Sent to the server as a bearer token; when empty, the token from the panel's hello is sent instead.</summary>
    public string? Token { get; set; }

    /// <summary>
    /// Browser origins allowed to open the WebSocket. Clients without an Origin header (the UXP panel, Node) always may;
    /// web pages always send one, so by default none of them can drive the bridge from a browser tab.
    /// </summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Largest message the panel may send (an image with its JSON) once welcomed; null accepts what the server accepts,
    /// its GetServerInfo's <c>limits.max_request_bytes</c>. Before the welcome only a hello is expected, so a larger
    /// message is refused up to <see cref="MaxHelloBytes"/>.
    /// </summary>
    public int? MaxMessageBytes { get; set; }

    /// <summary>First wait before the bridge tries an unreachable server again; each further try waits twice as long.</summary>
    public TimeSpan ServerRetryDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Longest wait between tries of an unreachable server; the bridge never gives up while the panel is connected.</summary>
    public TimeSpan ServerRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Largest message before the welcome: a hello is a few hundred bytes of JSON.</summary>
    public const int MaxHelloBytes = 64 * 1024;
}
