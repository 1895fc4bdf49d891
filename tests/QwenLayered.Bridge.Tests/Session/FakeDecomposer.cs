using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>
/// A small in-test Decomposer: checks the bearer token, runs a scripted job (previews, then one layer per requested
/// layer) or, for the prompt "hold", waits for a Cancel; "busy" is refused as a full queue. Attach replays stored events.
/// </summary>
public sealed class FakeDecomposer : Decomposer.DecomposerBase
{
    public const string Token = "good-token";
    public const string HoldPrompt = "hold";
    public const string BusyPrompt = "busy";
    public static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 1, 2, 3];

    private readonly ConcurrentDictionary<string, Job> _jobs = new();
    private int _nextJob;

    public DecomposeRequest? LastRequest { get; private set; }

    /// <summary>Every Attach and Cancel as "Method jobId x-job-id=header", to check what a load balancer could route by.</summary>
    public ConcurrentQueue<string> JobCalls { get; } = new();

    public override async Task Decompose(DecomposeRequest request, IServerStreamWriter<JobEvent> stream, ServerCallContext context)
    {
        CheckToken(context);
        if (request.Prompt == BusyPrompt) throw new RpcException(new Status(StatusCode.ResourceExhausted, "The queue is full (3 jobs waiting)."));
        LastRequest = request;
        var job = new Job($"job-{Interlocked.Increment(ref _nextJob)}");
        _jobs[job.Id] = job;
        await Emit(job, stream, new JobEvent { Accepted = new Accepted { QueuePosition = 0 } });
        if (request.Prompt == HoldPrompt)
        {
            await job.Cancelled.Task.WaitAsync(context.CancellationToken);
            await Emit(job, stream, new JobEvent { Cancelled = new Cancelled { Reason = "Cancelled by its owner." } });
            return;
        }
        var layers = request.Layers == 0 ? 2 : request.Layers;
        await Emit(job, stream, new JobEvent { Started = new Started { Seed = 7, Width = 64, Height = 48, Layers = layers, Steps = 2, Prompt = request.Prompt } });
        await Emit(job, stream, new JobEvent { Progress = new Progress { Step = 1, TotalSteps = 2, Elapsed = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)), EstimatedRemaining = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) } });
        for (var i = 0; i < layers; i++)
            await Emit(job, stream, new JobEvent { Preview = new Preview { Step = 1, LayerIndex = i, Png = ByteString.CopyFrom(Png) } });
        for (var i = 0; i < layers; i++)
            await Emit(job, stream, new JobEvent { Layer = new Layer { Index = i, Name = $"layer {i}", Png = ByteString.CopyFrom(Png) } });
        await Emit(job, stream, new JobEvent { Completed = new Completed { LayerCount = layers } });
    }

    public override async Task Attach(AttachRequest request, IServerStreamWriter<JobEvent> stream, ServerCallContext context)
    {
        CheckToken(context);
        RecordJobCall(nameof(Attach), request.JobId, context);
        var job = Find(request.JobId);
        List<JobEvent> replay;
        lock (job.Events) replay = [.. job.Events.Where(e => e.Sequence > request.AfterSequence)];
        foreach (var e in replay) await stream.WriteAsync(e);
    }

    public override Task<CancelResponse> Cancel(CancelRequest request, ServerCallContext context)
    {
        CheckToken(context);
        RecordJobCall(nameof(Cancel), request.JobId, context);
        return Task.FromResult(new CancelResponse { Cancelled = Find(request.JobId).Cancelled.TrySetResult() });
    }

    /// <summary>The largest request this server says it accepts.</summary>
    public const int MaxRequestBytes = 1 << 21;

    public override Task<ServerInfo> GetServerInfo(GetServerInfoRequest request, ServerCallContext context)
    {
        CheckToken(context);
        return Task.FromResult(new ServerInfo
        {
            ServerVersion = "9.9.9", ContractVersion = "qwenlayered.v1",
            Model = new ModelInfo { Loaded = true, Name = "tiny", Resolutions = { 64, 128 }, CaptionsEmptyPrompt = false },
            Defaults = new Defaults { Layers = 4, Steps = 20, GuidanceScale = 1, Resolution = 64 },
            Limits = new Limits { MaxLayers = 8, MaxSteps = 50, MaxPixels = 1 << 20, MaxImageBytes = 1 << 20, QueueCapacity = 32, MaxQueuedPerArtist = 16, MaxRequestBytes = MaxRequestBytes },
        });
    }

    /// <summary>
    /// Ends a held job with one layer and its completion while no stream follows it, as a server does that finishes a
    /// job during its shutdown and keeps the result for an Attach after its restart.
    /// </summary>
    public void CompleteHeldJob(string jobId)
    {
        var job = Find(jobId);
        Record(job, new JobEvent { Started = new Started { Seed = 7, Width = 64, Height = 48, Layers = 1, Steps = 2, Prompt = HoldPrompt } });
        Record(job, new JobEvent { Layer = new Layer { Index = 0, Name = "layer 0", Png = ByteString.CopyFrom(Png) } });
        Record(job, new JobEvent { Completed = new Completed { LayerCount = 1 } });
    }

    private static async Task Emit(Job job, IServerStreamWriter<JobEvent> stream, JobEvent e) => await stream.WriteAsync(Record(job, e));

    private static JobEvent Record(Job job, JobEvent e)
    {
        lock (job.Events)
        {
            e.JobId = job.Id;
            e.Sequence = (ulong)job.Events.Count + 1;
            e.Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);
            job.Events.Add(e);
        }
        return e;
    }

    private Job Find(string id) =>
        _jobs.TryGetValue(id, out var job) ? job : throw new RpcException(new Status(StatusCode.NotFound, $"No job '{id}'."));

    private void RecordJobCall(string method, string jobId, ServerCallContext context) =>
        JobCalls.Enqueue($"{method} {jobId} x-job-id={context.RequestHeaders.GetValue("x-job-id")}");

    private static void CheckToken(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("authorization") != $"Bearer {Token}")
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Unknown token."));
    }

    private sealed record Job(string Id)
    {
        public List<JobEvent> Events { get; } = [];
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
