using Grpc.Core;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class JobQueueingTests(ModelServer server) : ServingTestBase(server)
{
    [Fact]
    public async Task Decompose_TwoArtistsWithUnevenLoads_TakeTurnsStartingWithTheOneNotJustServed()
    {
        using var blocker = await StartBlockerAsync(Artists.Ann);
        var ann = new List<IJobCall>();
        for (int i = 0; i < 4; i++) ann.Add(await SubmitAcceptedAsync(Artists.Ann, Request()));
        var bob = new List<IJobCall>();
        for (int i = 0; i < 2; i++) bob.Add(await SubmitAcceptedAsync(Artists.Bob, Request()));

        await CancelAsync(Artists.Ann, blocker.JobId);
        List<IJobCall> all = [.. ann, .. bob];
        foreach (var job in all) await job.ToEndAsync();

        string[] startOrder = [.. all.OrderBy(j => Started(j).Time.ToDateTime()).Select(Name)];
        // Ann's blocker was the last to start, so Bob's first job goes next: she heard her first job's new position.
        Assert.Equal(["bob0", "ann0", "bob1", "ann1", "ann2", "ann3"], startOrder);
        Assert.Equal([0, 1, 2, 3, 0, 2], all.Select(j => j.Events[0].Accepted.QueuePosition));
        Assert.Contains(ann[0].OfKind(Kind.QueuePositionChanged), e => e.QueuePositionChanged.QueuePosition == 1);
        Assert.All(all, j => Assert.Equal(0, LastPositionBeforeStart(j)));
        Assert.All(all, j => Assert.Equal(Kind.Completed, j.Events[^1].KindCase));
        foreach (var job in all) job.Dispose();

        string Name(IJobCall job) => ann.Contains(job) ? $"ann{ann.IndexOf(job)}" : $"bob{bob.IndexOf(job)}";
    }

    [Fact]
    public async Task Decompose_QueueFull_IsRefusedWithResourceExhaustedSayingHowManyAreWaiting()
    {
        using var blocker = await StartBlockerAsync(Artists.Bob);
        var queued = new List<IJobCall>();
        for (int i = 0; i < ModelServer.MaxQueuedPerArtist; i++) queued.Add(await SubmitAcceptedAsync(Artists.Bob, Request()));
        for (int i = ModelServer.MaxQueuedPerArtist; i < ModelServer.QueueCapacity; i++) queued.Add(await SubmitAcceptedAsync(Artists.Ann, Request()));

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Admin, Request()).ToEndAsync());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"The queue is full: {ModelServer.QueueCapacity} jobs are waiting", error.Status.Detail);
        await CancelAllAsync(queued, blocker);
    }

    [Fact]
    public async Task Decompose_ArtistsShareFull_IsRefusedForThemAndAnotherArtistsFirstJobStartsNext()
    {
        using var blocker = await StartBlockerAsync(Artists.Bob);
        var queued = new List<IJobCall>();
        for (int i = 0; i < ModelServer.MaxQueuedPerArtist; i++) queued.Add(await SubmitAcceptedAsync(Artists.Bob, Request()));

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Bob, Request()).ToEndAsync());
        // Ann's job keeps the only worker busy once it starts, so Bob's waiting jobs stay unstarted.
        var ann = await SubmitAcceptedAsync(Artists.Ann, Request(steps: 1000));
        await CancelAsync(Artists.Bob, blocker.JobId);
        await ann.UntilAsync(Kind.Started);
        await CancelAllAsync([.. queued, ann], blocker);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith($"Your share of the queue is full: {ModelServer.MaxQueuedPerArtist} of your jobs are waiting", error.Status.Detail);
        Assert.Equal(0, ann.Events[0].Accepted.QueuePosition);
        Assert.All(queued, job => Assert.Empty(job.OfKind(Kind.Started)));
    }

    [Fact]
    public async Task GetServerInfo_WithJobsWaiting_ReportsTheQueueLengthAndTheModel()
    {
        using var blocker = await StartBlockerAsync(Artists.Ann);
        using var waiting = await SubmitAcceptedAsync(Artists.Bob, Request());

        var info = await Server.Client.GetServerInfoAsync(new GetServerInfoRequest(), Artists.Bearer(Artists.Bob), cancellationToken: Cancellation);
        await CancelAsync(Artists.Admin, waiting.JobId);
        await CancelAsync(Artists.Admin, blocker.JobId);

        Assert.Equal(1, info.QueueLength);
        Assert.Equal((ModelServer.QueueCapacity, ModelServer.MaxQueuedPerArtist), (info.Limits.QueueCapacity, info.Limits.MaxQueuedPerArtist));
        Assert.True(info.Model.Loaded);
        Assert.StartsWith("qwenlayered-tiny-model-", info.Model.Name);
        Assert.Equal(("fp32", "cpu"), (info.Model.Dtype, info.Model.Device));
        Assert.True(info.Model.MemoryInUseBytes > 0);
    }

    // Cancels the jobs before the blocker, so none still waiting starts; then follows each to its end.
    private async Task CancelAllAsync(List<IJobCall> queued, IJobCall blocker)
    {
        foreach (var job in queued.Append(blocker)) await CancelAsync(Artists.Admin, job.JobId);
        foreach (var job in queued) Assert.Equal(Kind.Cancelled, (await job.ToEndAsync())[^1].KindCase);
        foreach (var job in queued) job.Dispose();
    }

    private static JobEvent Started(IJobCall job) => job.OfKind(Kind.Started).Single();

    private static int LastPositionBeforeStart(IJobCall job) =>
        job.Events.TakeWhile(e => e.KindCase != Kind.Started)
            .Select(e => e.KindCase == Kind.Accepted ? e.Accepted.QueuePosition : e.QueuePositionChanged.QueuePosition).Last();
}
