using Grpc.Core;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

public class JobQueueingTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
    [Fact]
    public async Task Decompose_TwoArtistsWithUnevenLoads_AreServedRoundRobin()
    {
        using var blocker = await StartBlockerAsync(Artists.Ann);
        var ann = new List<JobStream>();
        for (int i = 0; i < 4; i++) ann.Add(await SubmitAcceptedAsync(Artists.Ann, Request()));
        var bob = new List<JobStream>();
        for (int i = 0; i < 2; i++) bob.Add(await SubmitAcceptedAsync(Artists.Bob, Request()));

        await CancelAsync(Artists.Ann, blocker.JobId);
        List<JobStream> all = [.. ann, .. bob];
        foreach (var job in all) await job.ToEndAsync();

        string[] startOrder = [.. all.OrderBy(j => Started(j).Time.ToDateTime()).Select(Name)];
        Assert.Equal(["ann0", "bob0", "ann1", "bob1", "ann2", "ann3"], startOrder);
        Assert.Equal([0, 1, 2, 3, 1, 3], all.Select(j => j.Events[0].Accepted.QueuePosition));
        // Bob's first job went ahead of Ann's second: she heard her new position.
        Assert.Contains(ann[1].OfKind(Kind.QueuePositionChanged), e => e.QueuePositionChanged.QueuePosition == 2);
        Assert.All(all, j => Assert.Equal(0, LastPositionBeforeStart(j)));
        Assert.All(all, j => Assert.Equal(Kind.Completed, j.Events[^1].KindCase));
        foreach (var job in all) job.Dispose();

        string Name(JobStream job) => ann.Contains(job) ? $"ann{ann.IndexOf(job)}" : $"bob{bob.IndexOf(job)}";
    }

    [Fact]
    public async Task Decompose_QueueFull_IsRefusedWithResourceExhaustedSayingHowManyAreAhead()
    {
        using var blocker = await StartBlockerAsync(Artists.Bob);
        var queued = new List<JobStream>();
        for (int i = 0; i < ModelServer.QueueCapacity; i++) queued.Add(await SubmitAcceptedAsync(Artists.Bob, Request()));

        var error = await Assert.ThrowsAsync<RpcException>(() => Submit(Artists.Ann, Request()).ToEndAsync());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains($"{ModelServer.QueueCapacity} jobs are ahead of yours", error.Status.Detail);
        foreach (var job in queued.Prepend(blocker)) await CancelAsync(Artists.Admin, job.JobId);
        foreach (var job in queued) Assert.Equal(Kind.Cancelled, (await job.ToEndAsync())[^1].KindCase);
        foreach (var job in queued) job.Dispose();
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
        Assert.True(info.Model.Loaded);
        Assert.StartsWith("qwenlayered-tiny-model-", info.Model.Name);
        Assert.Equal(("fp32", "cpu"), (info.Model.Dtype, info.Model.Device));
        Assert.True(info.Model.MemoryInUseBytes > 0);
    }

    private static JobEvent Started(JobStream job) => job.OfKind(Kind.Started).Single();

    private static int LastPositionBeforeStart(JobStream job) =>
        job.Events.TakeWhile(e => e.KindCase != Kind.Started)
            .Select(e => e.KindCase == Kind.Accepted ? e.Accepted.QueuePosition : e.QueuePositionChanged.QueuePosition).Last();
}
