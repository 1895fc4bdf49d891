using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Services;

/// <summary>
/// The Decomposer's calls on behalf of an authenticated caller, in the contract's messages: what the gRPC service and
/// the in-process panel endpoint both run. Refusals are <see cref="RpcException"/>s with the contract's status codes.
/// </summary>
public sealed class DecomposerCalls(
    ModelHost host, ServedPolicy served, IJobScheduler scheduler, DecomposeRequestValidator validator, DecomposeRequestReader reader,
    IOptions<JobsOptions> jobs)
{
    /// <summary>Queues the job (or finds the one this client request id already made) and follows its events.</summary>
    public IAsyncEnumerable<JobEvent> Decompose(Caller caller, DecomposeRequest request, CancellationToken cancellation)
    {
        validator.Validate(request);
        if (host.Unavailability is { } reason) throw new RpcException(new Status(StatusCode.Unavailable, reason));
        var spec = reader.Read(request);
        var job = SchedulingErrors.Mapped(() => scheduler.FindFor(caller, scheduler.Submit(caller, request.ClientRequestId, spec)));
        return Follow(job, 0, cancellation);
    }

    /// <summary>The events of the caller's job after <see cref="AttachRequest.AfterSequence"/>, until its outcome.</summary>
    public IAsyncEnumerable<JobEvent> Attach(Caller caller, AttachRequest request, CancellationToken cancellation)
    {
        var job = SchedulingErrors.Mapped(() => scheduler.FindFor(caller, request.JobId));
        return Follow(job, request.AfterSequence, cancellation);
    }

    public CancelResponse Cancel(Caller caller, CancelRequest request) =>
        new() { Cancelled = SchedulingErrors.Mapped(() => scheduler.Cancel(caller, request.JobId)) };

    public ServerInfo GetServerInfo()
    {
        var policy = served.Current;
        var max = policy.Limits;
        var model = host.Model;
        return new ServerInfo
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
        };
    }

    // The caller's abort ends only this stream; the job goes on and can be attached to again.
    private static async IAsyncEnumerable<JobEvent> Follow(JobRecord job, ulong afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var updates = job.Events.Follow(afterSequence, cancellation).GetAsyncEnumerator(cancellation);
        while (true)
        {
            bool more;
            try
            {
                more = await updates.MoveNextAsync();
            }
            catch (JobSchedulingException error)
            {
                throw SchedulingErrors.ToRpc(error);
            }
            if (!more) yield break;
            yield return ContractEvents.ToContract(job.Id, updates.Current);
        }
    }
}
