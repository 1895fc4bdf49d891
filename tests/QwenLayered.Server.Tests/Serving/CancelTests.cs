using Grpc.Core;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class CancelTests(ModelServer server) : ServingTestBase(server)
{
    [Fact]
    public async Task Cancel_ByAnotherArtist_IsPermissionDeniedAndTheJobGoesOn()
    {
        using var job = await StartBlockerAsync(Artists.Ann);

        var error = await Assert.ThrowsAsync<RpcException>(() => CancelAsync(Artists.Bob, job.JobId));
        await job.UntilAsync(Kind.Progress);
        await CancelAsync(Artists.Ann, job.JobId);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("only its owner or an administrator", error.Status.Detail);
        Assert.Equal(Kind.Cancelled, (await job.ToEndAsync())[^1].KindCase);
    }

    [Fact]
    public async Task Cancel_ByTheOwnerWhileRunning_StopsWithinOneSamplingStep()
    {
        using var job = await StartBlockerAsync(Artists.Ann);
        await job.UntilAsync(Kind.Progress);

        var response = await CancelAsync(Artists.Ann, job.JobId);
        var cancelledAt = DateTime.UtcNow;
        var events = await job.ToEndAsync();

        Assert.True(response.Cancelled);
        Assert.Equal("Cancelled by ann.", events[^1].Cancelled.Reason);
        Assert.True(job.OfKind(Kind.Progress).Count(e => e.Time.ToDateTime() > cancelledAt) <= 1,
            "More than one sampling step ran after the cancel was acknowledged.");
        Assert.Empty(job.OfKind(Kind.Layer));
    }

    [Fact]
    public async Task Cancel_ByAnAdmin_CancelsAnotherArtistsJob()
    {
        using var job = await StartBlockerAsync(Artists.Bob);

        var response = await CancelAsync(Artists.Admin, job.JobId);

        Assert.True(response.Cancelled);
        Assert.Equal("Cancelled by the administrator lead.", (await job.ToEndAsync())[^1].Cancelled.Reason);
    }

    [Fact]
    public async Task Cancel_QueuedJob_LeavesTheQueueAndTheJobsBehindMoveUp()
    {
        using var blocker = await StartBlockerAsync(Artists.Ann);
        using var first = await SubmitAcceptedAsync(Artists.Bob, Request());
        using var second = await SubmitAcceptedAsync(Artists.Bob, Request());

        var response = await CancelAsync(Artists.Bob, first.JobId);
        var firstEvents = await first.ToEndAsync();
        var moved = await second.UntilAsync(Kind.QueuePositionChanged);
        await CancelAsync(Artists.Ann, blocker.JobId);

        Assert.True(response.Cancelled);
        Assert.Equal([Kind.Accepted, Kind.Cancelled], firstEvents.Select(e => e.KindCase));
        Assert.Equal(0, moved.QueuePositionChanged.QueuePosition);
        Assert.Equal(Kind.Completed, (await second.ToEndAsync())[^1].KindCase);
    }

    [Fact]
    public async Task Cancel_FinishedJob_AnswersFalseAndKeepsTheOutcome()
    {
        using var job = Submit(Artists.Ann, Request());
        await job.ToEndAsync();

        var response = await CancelAsync(Artists.Ann, job.JobId);
        using var attached = Attach(Artists.Ann, job.JobId);

        Assert.False(response.Cancelled);
        Assert.Equal(Kind.Completed, (await attached.ToEndAsync())[^1].KindCase);
    }

    [Fact]
    public async Task Cancel_UnknownJob_IsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CancelAsync(Artists.Ann, "no-such-job"));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}
