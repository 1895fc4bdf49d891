using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.Pipeline;
using QwenLayered.Server.Auth;
using QwenLayered.Server.Cluster;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Operations;

namespace QwenLayered.Server.Tests.Cluster;

/// <summary>
/// Two schedulers in this process on one real Redis of the test's own, as two servers share it; no worker runs, so each
/// test takes jobs itself as a worker would.
/// </summary>
public sealed class RedisJobSchedulerTests : IAsyncLifetime
{
    private static readonly Caller Ann = new("ann", IsAdmin: false), Bob = new("bob", IsAdmin: false), Cy = new("cy", IsAdmin: false);
    private static readonly DecompositionRequest Spec = new(
        new InputImage(new byte[] { 1, 2, 3 }, new ImageHeader("PNG", 1, 1, 8)), new WorkingSize(32, 32, 4, 4), "test", new DecompositionSettings());
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private RedisProcess _redis = null!;
    private RedisJobStore _store = null!, _otherStore = null!;
    private RedisJobScheduler _frontDoorA = null!, _frontDoorB = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisProcess.StartAsync();
        _store = Store(_redis);
        _frontDoorA = Scheduler(_store);
        _otherStore = Store(_redis);
        _frontDoorB = Scheduler(_otherStore);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Take_ThreeArtistsSubmit12And1And1_ServesOneJobOfEachArtistPerRound()
    {
        var anns = new List<string>();
        for (int i = 0; i < 12; i++) anns.Add(await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation));
        string bobs = await _frontDoorA.SubmitAsync(Bob, "", Spec, Cancellation), cys = await _frontDoorB.SubmitAsync(Cy, "", Spec, Cancellation);

        var order = new List<string>();
        while (await _store.TakeAsync("worker", Lease, Cancellation) is { } taken) order.Add(taken.Id);

        Assert.Equal([anns[0], bobs, cys, .. anns[1..]], order);
        Assert.Equal(1, (await AcceptedAsync(bobs)).QueuePosition);
        Assert.Equal(2, (await AcceptedAsync(cys)).QueuePosition);
    }

    [Fact]
    public async Task Submit_AnotherArtistQueuesAhead_TellsTheJobsBehindTheirNewPosition()
    {
        await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        string annsSecond = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        await _frontDoorB.SubmitAsync(Bob, "", Spec, Cancellation);

        var events = await EventsAsync(annsSecond);

        Assert.Equal(1, Assert.IsType<JobAccepted>(events[0]).QueuePosition);
        Assert.Equal(2, Assert.IsType<JobQueuePositionChanged>(events[1]).QueuePosition);
    }

    [Fact]
    public async Task Submit_SameClientRequestIdThroughTheOtherServer_ReturnsTheFirstJob()
    {
        string first = await _frontDoorA.SubmitAsync(Ann, "request-1", Spec, Cancellation);

        Assert.Equal(first, await _frontDoorB.SubmitAsync(Ann, "request-1", Spec, Cancellation));
        Assert.NotEqual(first, await _frontDoorB.SubmitAsync(Bob, "request-1", Spec, Cancellation));
        Assert.Equal(2, await _frontDoorA.QueueLengthAsync(Cancellation));
    }

    [Fact]
    public async Task Submit_ArtistsShareFull_RefusesWithTheSharedWording()
    {
        int share = new JobsOptions().MaxQueuedPerArtist;
        for (int i = 0; i < share; i++) await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);

        var refusal = await Assert.ThrowsAsync<JobRefusedException>(async () => await _frontDoorB.SubmitAsync(Ann, "", Spec, Cancellation));

        Assert.Equal(RefusalReason.ShareFull, refusal.Reason);
        Assert.StartsWith($"Your share of the queue is full: {share} of your jobs are waiting", refusal.Message);
    }

    [Fact]
    public async Task Cancel_QueuedJobThroughTheOtherServer_LeavesTheQueueAndEndsCancelled()
    {
        string id = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);

        Assert.True(await _frontDoorB.CancelAsync(Ann, id, Cancellation));

        Assert.Null(await _store.TakeAsync("worker", Lease, Cancellation));
        Assert.Equal("Cancelled by ann.", Assert.IsType<JobCancelled>((await EventsAsync(id))[^1]).Reason);
        Assert.False(await _frontDoorA.CancelAsync(Ann, id, Cancellation));
        await Assert.ThrowsAsync<JobNotYoursException>(async () => await _frontDoorA.CancelAsync(Bob, id, Cancellation));
    }

    [Fact]
    public async Task NextAsync_JobTakenOnOneServer_ItsEventsReachAFollowerOnTheOtherInOrderOnce()
    {
        string id = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        var job = await _frontDoorB.NextAsync(Cancellation);
        job.Log.Append(new JobStarted(1, 32, 32, 2, 1, "test"));
        job.Log.Append(new JobProgress(1, 1, TimeSpan.FromSeconds(1), TimeSpan.Zero));
        job.Log.Append(new JobCompleted(0, []));
        await _frontDoorB.FinishedAsync(job);

        var events = await EventsAsync(id);

        Assert.Equal([1UL, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal([typeof(JobAccepted), typeof(JobStarted), typeof(JobProgress), typeof(JobCompleted)], events.Select(e => e.GetType()));
        Assert.Equal("test", ((JobStarted)events[1]).Prompt);
    }

    [Fact]
    public async Task Attach_PlacedLayersInChunksRunOnAnotherServer_AfterARestartGivesWhatAResultFileHolds()
    {
        string id = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        var job = await _frontDoorB.NextAsync(Cancellation);
        var sixteenBit = new JobLayer(0, "sky", new byte[] { 1, 2, 3, 4, 5, 6, 7 }, new LayerBounds(3, 4, 5, 6))
        {
            X = 3, Y = 4, Width = 5, Height = 6, BitsPerChannel = 16,
        };
        job.Log.Append(new JobStarted(1, 40, 30, 1, 1, "test"));
        foreach (var update in LayerChunks.Split(sixteenBit, chunkBytes: 3)) job.Log.Append(update);
        job.Log.Append(new JobCompleted(1, [new PhaseTime("sampling", TimeSpan.FromSeconds(2))]));
        var inProcess = ResultFileRoundTrip(await job.Log.Follow(0, Cancellation).ToListAsync(Cancellation));
        await _frontDoorB.FinishedAsync(job);

        // Attached to through a server started after the job finished, after its Accepted event.
        using var restarted = Store(_redis);
        var attached = await Scheduler(restarted).FindForAsync(Ann, id, Cancellation);
        var stored = await attached.Events.Follow(1, Cancellation).ToListAsync(Cancellation);

        Assert.Equal([typeof(JobStarted), typeof(JobLayer), typeof(JobLayerChunk), typeof(JobLayerChunk), typeof(JobCompleted)], stored.Select(e => e.GetType()));
        Assert.Equal(inProcess.Select(Bytes), stored.Select(Bytes));
        Assert.Equal((3, 4, 5, 6, 16, 3, "sky"), stored.OfType<JobLayer>().Select(l => (l.X, l.Y, l.Width, l.Height, l.BitsPerChannel, l.ChunkCount, l.Name)).Single());
    }

    [Fact]
    public async Task ReadAsync_EventOfAnotherFormatVersion_IsRefusedSayingWhichAndThatEveryServerNeedsOneVersion()
    {
        string id = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        await using var stored = await StoredJobs.ConnectAsync(_redis);
        byte[] accepted = (await stored.EventBytesAsync(id))[0];
        await stored.AddEventAsync(id, 2, [99, .. accepted[1..]]);

        var refusal = await Assert.ThrowsAsync<JobStoreFormatException>(() => _store.ReadAsync(id, 0, 100, Cancellation));

        Assert.Equal(ResultFile.Version, accepted[0]);
        Assert.Contains("it is of version 99, and this server reads versions 1 to 2 only", refusal.Message);
        Assert.Contains("Every server on one Redis must run the same QwenLayered version", refusal.Message);
    }

    [Fact]
    public async Task RequeueExpired_WorkersLeaseRanOut_JobIsTakenAgainFirstAndTheOldRunIsRefused()
    {
        string first = await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation);
        var lost = (await _store.TakeAsync("dead-worker", TimeSpan.Zero, Cancellation))!;

        var requeued = await _store.RequeueExpiredAsync(Cancellation);
        var again = (await _store.TakeAsync("worker", Lease, Cancellation))!;

        Assert.Equal([first], requeued);
        Assert.Equal((first, "1", "2"), (again.Id, lost.Attempt, again.Attempt));
        Assert.False(await _store.AppendAsync(first, lost.Attempt, 1, new JobStarted(1, 32, 32, 2, 1, "test"), Lease, Cancellation));
        Assert.True(await _store.AppendAsync(first, again.Attempt, 1, new JobStarted(1, 32, 32, 2, 1, "test"), Lease, Cancellation));
        Assert.Equal(0, Assert.IsType<JobQueuePositionChanged>((await EventsAsync(first))[^2]).QueuePosition);
    }

    [Fact]
    public async Task Submit_RedisStopped_IsUnavailableSayingSoUnhealthyAndWorksOnceRedisIsBack()
    {
        int port = _redis.Port;
        await _redis.DisposeAsync();

        var refusal = await Assert.ThrowsAsync<JobStoreUnavailableException>(async () => await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation));
        var healthWhileAway = await new RedisHealthCheck(_store).CheckHealthAsync(new HealthCheckContext(), Cancellation);
        _redis = await RedisProcess.StartAsync(port);
        await UntilConnectedAsync();

        Assert.Contains($"Redis at 127.0.0.1:{port}) cannot be reached", refusal.Message);
        Assert.Equal(HealthStatus.Unhealthy, healthWhileAway.Status);
        Assert.NotEmpty(await _frontDoorA.SubmitAsync(Ann, "", Spec, Cancellation));
        Assert.Equal(HealthStatus.Healthy, (await new RedisHealthCheck(_store).CheckHealthAsync(new HealthCheckContext(), Cancellation)).Status);
    }

    [Fact]
    public void JobSpecFormat_RequestWithRegionAndSettings_ReadsBackEqual()
    {
        var spec = new DecompositionRequest(
            new InputImage(new byte[] { 9, 8, 7 }, new ImageHeader("PNG", 10, 12, 16), new ImageRegion(1, 2, 3, 4, new byte[] { 5 })),
            new WorkingSize(64, 32, 8, 4) { OutputWidth = 60, OutputHeight = 30 }, "a prompt",
            new DecompositionSettings
            {
                Layers = 3, AutomaticLayers = true, Steps = 7, GuidanceScale = 2.5f, StepCacheThreshold = 0.25f, Seed = 42, PreviewEverySteps = 2,
                FullResolution = !DecompositionPolicy.DefaultFullResolution, SixteenBit = true,
            })
        {
            NegativePrompt = null, Resolution = 640, CaptionLanguage = Engine.QwenVL.CaptionLanguage.Chinese,
        };

        var read = JobSpecFormat.Read(JobSpecFormat.Write(spec));

        Assert.Equal(spec.Image.Encoded.ToArray(), read.Image.Encoded.ToArray());
        Assert.Equal(spec.Image.Header, read.Image.Header);
        Assert.Equal((1, 2, 3, 4), (read.Image.Region!.X, read.Image.Region.Y, read.Image.Region.Width, read.Image.Region.Height));
        Assert.Equal([5], read.Image.Region.Mask.ToArray());
        Assert.Equal(spec with { Image = read.Image }, read);
    }

    // What the in-process scheduler's result store gives back of these events: a result file written and read again.
    private static List<JobUpdate> ResultFileRoundTrip(IReadOnlyList<JobUpdate> events)
    {
        using var file = new MemoryStream();
        ResultFile.Write(file, new ResultHeader("ann", "", DateTime.UtcNow), events);
        file.Position = 0;
        var header = ResultFile.ReadHeader(file);
        var read = new List<JobUpdate>();
        while (ResultFile.ReadEvent(file, header) is { } update) read.Add(update);
        return read;
    }

    // An event's stored bytes, images included, apart from its sequence number (each store numbers its own).
    private static byte[] Bytes(JobUpdate update)
    {
        using var bytes = new MemoryStream();
        ResultFile.WriteEvent(bytes, update with { Sequence = 0 });
        return bytes.ToArray();
    }

    private async Task<JobAccepted> AcceptedAsync(string id) => Assert.IsType<JobAccepted>((await EventsAsync(id))[0]);

    // Every event stored so far (the follower waits for more only while the job runs; here none does).
    private async Task<IReadOnlyList<JobUpdate>> EventsAsync(string id) => await _store.ReadAsync(id, 0, 1000, Cancellation);

    private async Task UntilConnectedAsync()
    {
        using var hung = new CancellationTokenSource(Deadlines.Hung);
        while (!_store.IsConnected) await Task.Delay(50, hung.Token);
    }

    private static RedisJobStore Store(RedisProcess redis) => new(Options.Create(new ClusterOptions { Redis = redis.Address }), NullLogger<RedisJobStore>.Instance);

    private static RedisJobScheduler Scheduler(RedisJobStore store) => new(store, Options.Create(new JobsOptions()),
        Options.Create(new ClusterOptions()), Options.Create(new ServerOptions()), new ServerMetrics(), NullLogger<RedisJobScheduler>.Instance);

    public async ValueTask DisposeAsync()
    {
        _store?.Dispose();
        _otherStore?.Dispose();
        if (_redis is not null) await _redis.DisposeAsync();
    }
}
