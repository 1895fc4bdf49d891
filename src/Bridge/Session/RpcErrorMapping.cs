using Grpc.Core;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Session;

/// <summary>Turns a failed gRPC call into the error the panel shows, keeping the server's own words where it gave some.</summary>
public static class RpcErrorMapping
{
    public static ErrorMessage ToPanel(RpcException e, Uri server, string? jobId = null, string? clientRequestId = null)
    {
        var detail = string.IsNullOrWhiteSpace(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail;
        var (code, message, fatal) = e.StatusCode switch
        {
            StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
                (ErrorCodes.BadToken, $"The server at {server} refused the token: {detail}", true),
            // Not fatal: the bridge keeps trying the server (ServerRetry), and the panel waits rather than give up.
            _ when ServerRetry.IsUnreachable(e) =>
                (ErrorCodes.ServerUnreachable, $"Cannot reach the QwenLayered server at {server}: {e.Status.DebugException!.Message}", false),
            StatusCode.Unavailable => (ErrorCodes.ServerUnavailable, detail, false),
            StatusCode.ResourceExhausted => (ErrorCodes.Busy, detail, false),
            StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => (ErrorCodes.InvalidRequest, detail, false),
            StatusCode.NotFound => (ErrorCodes.NotFound, detail, false),
            _ => (ErrorCodes.ServerError, $"The server failed ({e.StatusCode}): {detail}", false),
        };
        return new ErrorMessage(code, message, jobId, clientRequestId, fatal);
    }
}
