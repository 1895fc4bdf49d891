using System.Runtime.CompilerServices;
using QwenLayered.Bridge;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Auth;

namespace QwenLayered.Server.Services;

/// <summary>
/// The decomposer of this very process, for serve's own panel endpoint: the <see cref="DecomposerCalls"/> the gRPC
/// service runs, for the caller the panel's token names, checked as the gRPC interceptor checks it. No connection to
/// itself, and the panel's image reaches the job without being copied.
/// </summary>
public sealed class InProcessPanelDecomposer(DecomposerCalls calls, BearerTokenInterceptor authentication) : IPanelDecomposer
{
    public Task<ServerInfo> GetServerInfoAsync(string? token, CancellationToken cancellation)
    {
        CallerOf(token);
        return calls.GetServerInfoAsync(cancellation);
    }

    // Iterators, so that a refusal reaches the caller as it reads the events, as it would over gRPC.
    public async IAsyncEnumerable<JobEvent> Decompose(string? token, DecomposeRequest request, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var jobEvent in calls.Decompose(CallerOf(token), request, cancellation)) yield return jobEvent;
    }

    public async IAsyncEnumerable<JobEvent> Attach(string? token, AttachRequest request, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var jobEvent in calls.Attach(CallerOf(token), request, cancellation)) yield return jobEvent;
    }

    public Task<CancelResponse> CancelAsync(string? token, CancelRequest request, CancellationToken cancellation) =>
        calls.CancelAsync(CallerOf(token), request, cancellation);

    private Caller CallerOf(string? token) => authentication.CallerOf(string.IsNullOrEmpty(token) ? null : $"Bearer {token}");
}
