using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

public class RestartTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
    // Clients reconnecting to a server started afresh, on new ports.
    protected override bool OverTheWire => true;

    [Fact]
    public async Task Attach_AfterAServerRestart_ReturnsTheFinishedResultWithItsLayers()
    {
        using var job = Submit(Artists.Ann, Request(steps: 2, layers: 2));
        var original = await job.ToEndAsync();

        await Server.RestartAsync();
        using var attached = Attach(Artists.Ann, job.JobId);
        var replayed = await attached.ToEndAsync();

        Assert.Equal(original, replayed);
        Assert.Equal(2, attached.OfKind(Kind.Layer).Count());
    }

    [Fact]
    public async Task Shutdown_WithAJobRunningAndOneQueued_FinishesTheRunningOneCancelsTheQueuedOneAndKeepsBoth()
    {
        var running = Submit(Artists.Bob, Request(steps: 15, layers: 2));
        var started = await running.UntilAsync(Kind.Started);
        var queued = await SubmitAcceptedAsync(Artists.Ann, Request());

        await Server.RestartAsync();
        running.Dispose();
        queued.Dispose();
        using var finished = Attach(Artists.Bob, started.JobId);
        var finishedEvents = await finished.ToEndAsync();
        using var cancelled = Attach(Artists.Ann, queued.JobId);
        var cancelledEvents = await cancelled.ToEndAsync();

        Assert.Equal(Kind.Completed, finishedEvents[^1].KindCase);
        Assert.Equal(2, finished.OfKind(Kind.Layer).Count());
        Assert.Contains("shutting down", cancelledEvents[^1].Cancelled.Reason);
    }
}
