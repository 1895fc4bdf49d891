using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge;

/// <summary>
/// What a panel session asks of the decomposer, in the contract's messages: a gRPC client for the qwenlayered-bridge
/// proxy, the scheduler itself inside qwenlayered serve. Every call carries the bearer token the panel's connection
/// goes by (null for none). A refusal is an <see cref="RpcException"/> with the status the server gives it.
/// </summary>
public interface IPanelDecomposer
{
    /// <summary>The server's info; also how the token is checked when a panel says hello.</summary>
    Task<ServerInfo> GetServerInfoAsync(string? token, CancellationToken cancellation);

    /// <summary>Submits a job and follows its events to its outcome.</summary>
    IAsyncEnumerable<JobEvent> Decompose(string? token, DecomposeRequest request, CancellationToken cancellation);

    /// <summary>A job's events after <see cref="AttachRequest.AfterSequence"/>, to its outcome.</summary>
    IAsyncEnumerable<JobEvent> Attach(string? token, AttachRequest request, CancellationToken cancellation);

    Task<CancelResponse> CancelAsync(string? token, CancelRequest request, CancellationToken cancellation);
}
