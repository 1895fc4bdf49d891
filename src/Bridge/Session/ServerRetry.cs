using Grpc.Core;

namespace QwenLayered.Bridge.Session;

/// <summary>
/// How the bridge waits for a server that does not answer (restarting, rebooting, network gone): it tries again after
/// <see cref="PanelBridgeOptions.ServerRetryDelay"/>, doubling up to <see cref="PanelBridgeOptions.ServerRetryMaxDelay"/>,
/// for as long as the panel stays connected, so an artist never has to press Connect again.
/// </summary>
public static class ServerRetry
{
    /// <summary>
    /// No answer came back at all (refused, DNS, TLS, a stream cut off), as opposed to a server that said no: the client
    /// records a DebugException then, and for a cut stream an Internal status over an I/O failure of the transport.
    /// </summary>
    public static bool IsUnreachable(RpcException e) => e.Status.DebugException switch
    {
        null => false,
        var cause when e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded => cause is not null,
        var cause => e.StatusCode == StatusCode.Internal && cause is IOException or HttpRequestException or System.Net.Sockets.SocketException,
    };

    /// <summary>The wait before try number <paramref name="attempt"/> (0 for the first retry).</summary>
    public static TimeSpan Delay(PanelBridgeOptions options, int attempt) =>
        TimeSpan.FromTicks(Math.Min(options.ServerRetryMaxDelay.Ticks, options.ServerRetryDelay.Ticks * (1L << Math.Min(attempt, 20))));
}
