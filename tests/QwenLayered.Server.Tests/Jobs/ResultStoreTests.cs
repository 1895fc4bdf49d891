using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Jobs;

public sealed class ResultStoreTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempResultsFolder _folder = new();
    private readonly ResultStore _store;

    public ResultStoreTests()
    {
        _store = new ResultStore(Options.Create(new JobsOptions { ResultsFolder = _folder.Path }), NullLogger<ResultStore>.Instance);
        // Sixteen layers of 1 MiB between the first event and the outcome.
        List<JobEvent> events = [new() { Accepted = new Accepted() }];
        for (int i = 0; i < 16; i++) events.Add(new JobEvent { Layer = new Layer { Index = i, Png = ByteString.CopyFrom(new byte[MiB]) } });
        events.Add(new JobEvent { Completed = new Completed { LayerCount = 16 } });
        for (int i = 0; i < events.Count; i++) events[i].Sequence = (ulong)i + 1;
        _store.Save("job-1", "ann", "", events);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Find_StoredResult_ReadsItsEventsOnlyAsTheyAreFollowed()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var job = _store.Find("job-1")!;
        await using var follower = job.Events.Follow(0, Cancellation).GetAsyncEnumerator(Cancellation);
        Assert.True(await follower.MoveNextAsync());
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Kind.Accepted, follower.Current.KindCase);
        Assert.True(allocated < 4 * MiB, $"Finding the result and reading its first event allocated {allocated / MiB} MiB.");
    }

    [Fact]
    public async Task Find_StoredResultFollowedAfterASequence_ReplaysWhatCameAfterIt()
    {
        var job = _store.Find("job-1")!;

        var events = new List<JobEvent>();
        await foreach (var jobEvent in job.Events.Follow(16, Cancellation)) events.Add(jobEvent);

        Assert.Equal([17ul, 18ul], events.Select(e => e.Sequence));
        Assert.Equal(Kind.Completed, events[^1].KindCase);
    }

    [Fact]
    public void Find_UnknownJob_IsNull()
    {
        Assert.Null(_store.Find("job-2"));
    }

    public void Dispose() => _folder.Dispose();
}
