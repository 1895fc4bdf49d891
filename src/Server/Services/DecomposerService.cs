using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Server.Services;

/// <summary>The qwenlayered.v1 Decomposer service: a thin adapter over the server's engine state.</summary>
public sealed class DecomposerService(ModelHost host, DecomposeRequestValidator validator, IOptions<LimitsOptions> limits)
    : Decomposer.DecomposerBase
{
    public override Task Decompose(DecomposeRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        validator.Validate(request);
        // Jobs run only on a resident model; a server without one refuses them as retryable.
        throw new RpcException(new Status(StatusCode.Unavailable,
            "No model is loaded on this server, so it cannot decompose images yet. Ask its administrator to start it with a model."));
    }

    public override Task Attach(AttachRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context) =>
        throw UnknownJob(request.JobId);

    public override Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context) =>
        throw UnknownJob(request.JobId);

    public override Task<ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var max = limits.Value;
        return Task.FromResult(new ServerInfo
        {
            ServerVersion = ServerVersion.Current,
            ContractVersion = ServerVersion.Contract,
            Model = new ModelInfo
            {
                Loaded = host.Model is not null,
                Name = host.Model?.Name ?? "",
                Dtype = host.Model?.Dtype ?? "",
                Device = host.Device,
                MemoryInUseBytes = host.Model?.MemoryInUseBytes ?? 0,
            },
            Limits = new Limits
            {
                MaxLayers = max.MaxLayers,
                MaxPixels = max.MaxPixels,
                MaxSteps = max.MaxSteps,
                MaxImageBytes = max.MaxImageBytes,
            },
            QueueLength = 0,
        });
    }

    private static RpcException UnknownJob(string jobId) =>
        new(new Status(StatusCode.NotFound, $"No job '{jobId}' is known to this server. Check the job id, or submit the image again."));
}
