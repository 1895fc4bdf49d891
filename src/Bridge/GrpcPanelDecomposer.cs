using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge;

/// <summary>The decomposer of a remote server, reached through its gRPC client: what qwenlayered-bridge relays to.</summary>
public sealed class GrpcPanelDecomposer(Decomposer.DecomposerClient client) : IPanelDecomposer
{
    public async Task<ServerInfo> GetServerInfoAsync(string? token, CancellationToken cancellation) =>
        await client.GetServerInfoAsync(new GetServerInfoRequest(), Headers(token), cancellationToken: cancellation);

    public IAsyncEnumerable<JobEvent> Decompose(string? token, DecomposeRequest request, CancellationToken cancellation) =>
        ReadAll(client.Decompose(request, Headers(token), cancellationToken: cancellation), cancellation);

    public IAsyncEnumerable<JobEvent> Attach(string? token, AttachRequest request, CancellationToken cancellation) =>
        ReadAll(client.Attach(request, Headers(token, request.JobId), cancellationToken: cancellation), cancellation);

    public async Task<CancelResponse> CancelAsync(string? token, CancelRequest request, CancellationToken cancellation) =>
        await client.CancelAsync(request, Headers(token, request.JobId), cancellationToken: cancellation);

    private static async IAsyncEnumerable<JobEvent> ReadAll(AsyncServerStreamingCall<JobEvent> call,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        using (call)
        {
            while (await call.ResponseStream.MoveNext(cancellation)) yield return call.ResponseStream.Current;
        }
    }

    /// <summary>
    /// The bearer token, and for calls about a job <c>x-job-id</c>: a load balancer in front of several servers routes
    /// them by it, to the server that holds the job (docs/deploy.md, "Several servers").
    /// </summary>
    private static Metadata Headers(string? token, string? jobId = null)
    {
        var headers = new Metadata();
        if (!string.IsNullOrEmpty(token)) headers.Add("authorization", $"Bearer {token}");
        if (jobId is not null) headers.Add("x-job-id", jobId);
        return headers;
    }
}
