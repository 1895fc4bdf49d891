using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

public class RestartTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
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
    public async Task Shutdown_WithAJobRunning_LetsItFinishAndKeepsItsResult()
    {
        var job = Submit(Artists.Bob, Request(steps: 15, layers: 2));
        var started = await job.UntilAsync(Kind.Started);

        await Server.RestartAsync();
        job.Dispose();
        using var attached = Attach(Artists.Bob, started.JobId);
        var events = await attached.ToEndAsync();

        Assert.Equal(Kind.Completed, events[^1].KindCase);
        Assert.Equal(2, attached.OfKind(Kind.Layer).Count());
    }
}
