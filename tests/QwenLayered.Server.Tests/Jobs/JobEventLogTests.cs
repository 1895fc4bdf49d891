using QwenLayered.Server.Jobs;

namespace QwenLayered.Server.Tests.Jobs;

public class JobEventLogTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Follow_AReaderBehindByManyPreviews_GetsTheLatestPreviewOfEachLayerAndEveryOtherEvent()
    {
        var log = new JobEventLog("job");
        log.Append(new JobAccepted(0));
        for (int step = 1; step <= 10; step++)
        {
            log.Append(Progress(step));
            for (int layer = 0; layer < 2; layer++) log.Append(Preview(step, layer));
        }
        log.Append(Layer(0));
        log.Append(Layer(1));
        log.Append(new JobCompleted(2, []));

        var read = await ReadAll(log.Follow(0, Cancellation));

        Assert.Equal([(10, 0), (10, 1)], read.OfType<JobPreview>().Select(e => (e.Step, e.LayerIndex)));
        Assert.Equal(10, read.OfType<JobProgress>().Count());
        Assert.Equal(2, read.OfType<JobLayer>().Count());
        Assert.IsType<JobCompleted>(read[^1]);
    }

    [Fact]
    public async Task Follow_AfterASequence_StartsAfterItAndEndsAtTheOutcome()
    {
        var log = new JobEventLog("job");
        var follower = ReadAll(log.Follow(1, Cancellation));
        log.Append(new JobAccepted(0));
        log.Append(new JobStarted(1, 64, 64, 2, 2, "p"));
        log.Append(new JobCancelled("r"));

        var read = await follower;

        Assert.Equal([2ul, 3ul], read.Select(e => e.Sequence));
        Assert.All(read, e => Assert.NotEqual(default, e.Time));
    }

    [Fact]
    public void Replay_PreviewsOfALayerFollowedByANewerOne_AreLeftOut()
    {
        var log = new JobEventLog("job");
        log.Append(Preview(1, 0));
        log.Append(Preview(1, 1));
        log.Append(Preview(2, 0));
        log.Append(Layer(0));

        var replayed = log.Replay();

        Assert.Equal([2ul, 3ul, 4ul], replayed.Select(e => e.Sequence));
    }

    [Fact]
    public void Append_AfterTheOutcome_Throws()
    {
        var log = new JobEventLog("job");
        log.Append(new JobFailed(JobFailure.Internal, "m"));

        Assert.Throws<InvalidOperationException>(() => log.Append(Progress(1)));
    }

    private static JobPreview Preview(int step, int layer) => new(step, layer, new byte[] { 1, 2, 3 });

    private static JobProgress Progress(int step) => new(step, 10, TimeSpan.Zero, TimeSpan.Zero);

    private static JobLayer Layer(int index) => new(index, $"Layer {index + 1}", new byte[] { 4 }, null);

    private static async Task<List<JobUpdate>> ReadAll(IAsyncEnumerable<JobUpdate> events)
    {
        var read = new List<JobUpdate>();
        await foreach (var e in events) read.Add(e);
        return read;
    }
}
