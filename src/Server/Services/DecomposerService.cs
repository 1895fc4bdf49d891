using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Auth;

namespace QwenLayered.Server.Services;

/// <summary>The qwenlayered.v1 Decomposer service: the <see cref="DecomposerCalls"/> for the caller its token names.</summary>
[BindServiceMethod(typeof(DecomposerBinding), nameof(DecomposerBinding.BindService))]
public sealed class DecomposerService(DecomposerCalls calls) : Decomposer.DecomposerBase
{
    public override async Task Decompose(DecomposeRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        await WriteAsync(calls.Decompose(context.Caller(), request, context.CancellationToken), responseStream, context);

    public override async Task Attach(AttachRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        await WriteAsync(calls.Attach(context.Caller(), request, context.CancellationToken), responseStream, context);

    public override Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context) =>
        calls.CancelAsync(context.Caller(), request, context.CancellationToken);

    public override Task<ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context) =>
        calls.GetServerInfoAsync(context.CancellationToken);

    // The client's abort or deadline ends only this stream; the job goes on and can be attached to again.
    private static async Task WriteAsync(IAsyncEnumerable<JobEvent> events, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        await foreach (var jobEvent in events) await responseStream.WriteAsync(jobEvent, context.CancellationToken);
    }
}
