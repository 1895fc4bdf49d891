using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Services;

/// <summary>The qwenlayered.v1 Decomposer service: a thin adapter over the job scheduler and the resident model.</summary>
[BindServiceMethod(typeof(DecomposerBinding), nameof(DecomposerBinding.BindService))]
public sealed class DecomposerService(
    ModelHost host, ServedPolicy served, JobScheduler scheduler, DecomposeRequestValidator validator, DecomposeRequestReader reader,
    IOptions<JobsOptions> jobs) : Decomposer.DecomposerBase
{
    public override async Task Decompose(DecomposeRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        validator.Validate(request);
        if (host.Unavailability is { } reason) throw new RpcException(new Status(StatusCode.Unavailable, reason));
        string id = scheduler.Submit(context.Caller(), request.ClientRequestId, reader.Read(request));
        var job = scheduler.Find(id) ?? throw JobScheduler.UnknownJob(id);
        await Stream(job, 0, responseStream, context);
    }

    public override async Task Attach(AttachRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        var job = scheduler.Find(request.JobId) ?? throw JobScheduler.UnknownJob(request.JobId);
        JobScheduler.Authorize(context.Caller(), job);
        await Stream(job, request.AfterSequence, responseStream, context);
    }

    public override Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context) =>
        Task.FromResult(new CancelResponse { Cancelled = scheduler.Cancel(context.Caller(), request.JobId) });

    public override Task<ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        var policy = served.Current;
        var max = policy.Limits;
        var model = host.Model;
        return Task.FromResult(new ServerInfo
        {
            ServerVersion = ServerVersion.Current,
            ContractVersion = ServerVersion.Contract,
            Model = new ModelInfo
            {
                Loaded = model is not null,
                Name = model?.Name ?? "",
                Dtype = model?.Dtype ?? "",
                Device = host.Device,
                MemoryInUseBytes = model?.MemoryInUseBytes ?? 0,
                Resolutions = { policy.Resolutions },
                CaptionsEmptyPrompt = policy.CaptionsEmptyPrompt,
            },
            Limits = new Limits
            {
                MaxLayers = max.MaxLayers,
                MaxPixels = max.MaxPixels,
                MaxSteps = max.MaxSteps,
                MaxImageBytes = max.MaxImageBytes,
                QueueCapacity = jobs.Value.QueueCapacity,
                MaxQueuedPerArtist = jobs.Value.MaxQueuedPerArtist,
                MaxPromptBytes = max.MaxPromptBytes,
                MaxRequestBytes = max.MaxRequestBytes,
            },
            Defaults = new Defaults
            {
                Layers = DecompositionPolicy.DefaultLayers,
                Steps = policy.DefaultSteps,
                GuidanceScale = policy.DefaultGuidanceScale,
                Resolution = policy.DefaultResolution,
            },
            QueueLength = scheduler.QueueLength,
        });
    }

    // The client's abort or deadline ends only this stream; the job goes on and can be attached to again.
    private static async Task Stream(JobRecord job, ulong afterSequence, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        await foreach (var jobEvent in job.Events.Follow(afterSequence, context.CancellationToken))
            await responseStream.WriteAsync(jobEvent, context.CancellationToken);
    }
}
