using Google.Protobuf;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Jobs;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Jobs;

public class JobEventLogTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Follow_AReaderBehindByManyPreviews_GetsTheLatestPreviewOfEachLayerAndEveryOtherEvent()
    {
        var log = new JobEventLog("job");
        log.Append(new JobEvent { Accepted = new Accepted() });
        for (int step = 1; step <= 10; step++)
        {
            log.Append(new JobEvent { Progress = new Progress { Step = step } });
            for (int layer = 0; layer < 2; layer++) log.Append(Preview(step, layer));
        }
        log.Append(new JobEvent { Layer = new Layer { Index = 0 } });
        log.Append(new JobEvent { Layer = new Layer { Index = 1 } });
        log.Append(new JobEvent { Completed = new Completed { LayerCount = 2 } });

        var read = await ReadAll(log.Follow(0, Cancellation));

        Assert.Equal([(10, 0), (10, 1)], read.Where(e => e.KindCase == Kind.Preview).Select(e => (e.Preview.Step, e.Preview.LayerIndex)));
        Assert.Equal(10, read.Count(e => e.KindCase == Kind.Progress));
        Assert.Equal(2, read.Count(e => e.KindCase == Kind.Layer));
        Assert.Equal(Kind.Completed, read[^1].KindCase);
    }

    [Fact]
    public async Task Follow_AfterASequence_StartsAfterItAndEndsAtTheOutcome()
    {
        var log = new JobEventLog("job");
        var follower = ReadAll(log.Follow(1, Cancellation));
        log.Append(new JobEvent { Accepted = new Accepted() });
        log.Append(new JobEvent { Started = new Started() });
        log.Append(new JobEvent { Cancelled = new Cancelled { Reason = "r" } });

        var read = await follower;

        Assert.Equal([2ul, 3ul], read.Select(e => e.Sequence));
        Assert.All(read, e => Assert.Equal("job", e.JobId));
    }

    [Fact]
    public void Replay_PreviewsOfALayerFollowedByANewerOne_AreLeftOut()
    {
        var log = new JobEventLog("job");
        log.Append(Preview(1, 0));
        log.Append(Preview(1, 1));
        log.Append(Preview(2, 0));
        log.Append(new JobEvent { Layer = new Layer { Index = 0 } });

        var replayed = log.Replay();

        Assert.Equal([2ul, 3ul, 4ul], replayed.Select(e => e.Sequence));
    }

    [Fact]
    public void Append_AfterTheOutcome_Throws()
    {
        var log = new JobEventLog("job");
        log.Append(new JobEvent { Failed = new Failed() });

        Assert.Throws<InvalidOperationException>(() => log.Append(new JobEvent { Progress = new Progress() }));
    }

    private static JobEvent Preview(int step, int layer) =>
        new() { Preview = new Preview { Step = step, LayerIndex = layer, Png = ByteString.CopyFrom(1, 2, 3) } };

    private static async Task<List<JobEvent>> ReadAll(IAsyncEnumerable<JobEvent> events)
    {
        var read = new List<JobEvent>();
        await foreach (var e in events) read.Add(e);
        return read;
    }
}
