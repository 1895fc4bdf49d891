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
        return Follow(async () =>
        {
            string id = await scheduler.SubmitAsync(caller, request.ClientRequestId, spec, cancellation);
            return await scheduler.FindForAsync(caller, id, cancellation);
        }, 0, cancellation);
    }

    /// <summary>The events of the caller's job after <see cref="AttachRequest.AfterSequence"/>, until its outcome.</summary>
    public IAsyncEnumerable<JobEvent> Attach(Caller caller, AttachRequest request, CancellationToken cancellation) =>
        Follow(() => scheduler.FindForAsync(caller, request.JobId, cancellation), request.AfterSequence, cancellation);

    public async Task<CancelResponse> CancelAsync(Caller caller, CancelRequest request, CancellationToken cancellation) =>
        new() { Cancelled = await SchedulingErrors.MappedAsync(() => scheduler.CancelAsync(caller, request.JobId, cancellation)) };

    public async Task<ServerInfo> GetServerInfoAsync(CancellationToken cancellation)
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
            QueueLength = await scheduler.QueueLengthAsync(cancellation),
        };
    }

    // The job is found (or submitted) as the stream is first read. The caller's abort ends only this stream; the job goes
    // on and can be attached to again.
    private static async IAsyncEnumerable<JobEvent> Follow(Func<ValueTask<JobRecord>> find, ulong afterSequence,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var job = await SchedulingErrors.MappedAsync(find);
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
