using Grpc.Core;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class AttachTests(ModelServer server) : ServingTestBase(server)
{
    // Over the network: a client that drops resets its HTTP/2 stream, and reconnects on a new one.
    [Fact]
    public async Task Attach_AfterTheClientDroppedMidJob_ReplaysWhatItMissedAndEveryLayer()
    {
        var dropped = new JobStream(Server.Client.Decompose(Request(steps: 20, layers: 3), Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));
        var lastSeen = await dropped.UntilAsync(Kind.Progress);
        dropped.Dispose();

        using var attached = new JobStream(Server.Client.Attach(new AttachRequest { JobId = lastSeen.JobId, AfterSequence = lastSeen.Sequence },
            Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));
        var events = await attached.ToEndAsync();

        Assert.Equal(lastSeen.Sequence + 1, events[0].Sequence);
        Assert.Equal([.. Enumerable.Range(0, events.Count).Select(i => lastSeen.Sequence + 1 + (ulong)i)], events.Select(e => e.Sequence));
        Assert.Equal([0, 1, 2], attached.OfKind(Kind.Layer).Select(e => e.Layer.Index));
        Assert.Equal(3, events[^1].Completed.LayerCount);
    }

    [Fact]
    public async Task Decompose_RetriedWithTheSameClientRequestId_ReturnsTheSameJob()
    {
        using var first = await SubmitAcceptedAsync(Artists.Ann, Request(steps: 2, clientRequestId: "retry-1"));
        using var retry = await SubmitAcceptedAsync(Artists.Ann, Request(steps: 2, clientRequestId: "retry-1"));
        using var otherArtist = await SubmitAcceptedAsync(Artists.Bob, Request(steps: 2, clientRequestId: "retry-1"));
        await first.ToEndAsync();

        using var afterFinish = await SubmitAcceptedAsync(Artists.Ann, Request(steps: 2, clientRequestId: "retry-1"));
        await otherArtist.ToEndAsync();

        Assert.Equal(first.JobId, retry.JobId);
        Assert.Equal(first.JobId, afterFinish.JobId);
        Assert.NotEqual(first.JobId, otherArtist.JobId);
        Assert.Equal(first.Events, (await afterFinish.ToEndAsync()));
    }

    [Fact]
    public async Task Attach_ByAnotherArtist_IsPermissionDenied()
    {
        using var job = Submit(Artists.Ann, Request());
        await job.ToEndAsync();

        using var attached = Attach(Artists.Bob, job.JobId);
        var error = await Assert.ThrowsAsync<RpcException>(attached.ToEndAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }
}
