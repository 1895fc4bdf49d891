using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QwenLayered.Server.Hosting;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Services;

namespace QwenLayered.Server.Tests.Jobs;

public sealed class ResultStoreTests : IDisposable
{
    private const int MiB = 1024 * 1024;

    private readonly TempResultsFolder _folder = new();
    private readonly ResultStore _store;

    public ResultStoreTests()
    {
        _store = Open(NullLogger<ResultStore>.Instance);
        // Sixteen layers of 1 MiB between the first event and the outcome.
        List<JobUpdate> events = [new JobAccepted(0)];
        for (int i = 0; i < 16; i++) events.Add(new JobLayer(i, $"Layer {i + 1}", new byte[MiB], null));
        events.Add(new JobCompleted(16, []));
        _store.Save("job-1", "ann", "", [.. events.Select((e, i) => e with { Sequence = (ulong)i + 1 })]);
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

        Assert.IsType<JobAccepted>(follower.Current);
        Assert.True(allocated < 4 * MiB, $"Finding the result and reading its first event allocated {allocated / MiB} MiB.");
    }

    [Fact]
    public async Task Find_StoredResultFollowedAfterASequence_ReplaysWhatCameAfterIt()
    {
        var job = _store.Find("job-1")!;

        var events = await ReadAll(job.Events);

        Assert.Equal([17ul, 18ul], events.Where(e => e.Sequence > 16).Select(e => e.Sequence));
        Assert.Equal([17ul, 18ul], (await ReadAll(job.Events, afterSequence: 16)).Select(e => e.Sequence));
        Assert.IsType<JobCompleted>(events[^1]);
    }

    [Fact]
    public void Find_UnknownJob_IsNull()
    {
        Assert.Null(_store.Find("job-2"));
    }

    [Fact]
    public async Task Find_AfterARestart_ReadsBackEveryKindOfEventWithItsFields()
    {
        var time = new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);
        JobUpdate[] events =
        [
            new JobAccepted(3), new JobQueuePositionChanged(2), new JobStarted(777, 640, 480, 4, 50, "a cat"),
            new JobProgress(7, 50, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(21.5)), new JobPreview(10, 1, new byte[] { 1, 2, 3 }),
            new JobLayer(2, "Layer 3", new byte[] { 4, 5, 6 }, new LayerBounds(10, 20, 30, 40)) { X = 9, Y = 8, Width = 31, Height = 42, BitsPerChannel = 16, ChunkCount = 2 },
            new JobLayerChunk(2, 1, new byte[] { 8, 9 }), new JobLayer(3, "Layer 4", new byte[] { 7 }, null),
            new JobFailed(JobFailure.OutOfMemory, "Out of device memory; try fewer layers."),
        ];
        events = [.. events.Select((e, i) => e with { Sequence = (ulong)i + 1, Time = time.AddSeconds(i) })];
        JobUpdate completed = new JobCompleted(4, [new PhaseTime("sampling", TimeSpan.FromSeconds(42))]) { Sequence = 1, Time = time };
        JobUpdate cancelled = new JobCancelled("Cancelled by bob.") { Sequence = 1, Time = time };
        _store.Save("job-3", "bob", "req-3", events);
        _store.Save("job-4", "bob", "", [completed]);
        _store.Save("job-5", "bob", "", [cancelled]);

        var restarted = Open(NullLogger<ResultStore>.Instance);
        var read = new List<JobUpdate>();
        foreach (string id in new[] { "job-3", "job-4", "job-5" }) read.AddRange(await ReadAll(restarted.Find(id)!.Events));

        // Compared as the contract sends them: their image bytes compared by value.
        Assert.Equal(events.Append(completed).Append(cancelled).Select(Contract), read.Select(Contract));
        Assert.Equal(("bob", "job-3"), (restarted.Find("job-3")!.Owner, restarted.FindByRequest("bob", "req-3")));
        Assert.Equal((4, "sampling"), (((JobCompleted)read[^2]).LayerCount, ((JobCompleted)read[^2]).Timings[0].Phase));
        Assert.Equal("Cancelled by bob.", ((JobCancelled)read[^1]).Reason);
    }

    [Fact]
    public async Task Find_VersionOneFile_ReadsItsLayersAsOnePieceAtTheOrigin()
    {
        // A version 1 file as the server before placed layers wrote it: a layer, then the outcome.
        var time = new DateTime(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);
        using (var file = File.Create(ResultPath("job-7")))
        using (var writer = new BinaryWriter(file))
        {
            writer.Write("QLRESULT"u8);
            writer.Write(1);
            writer.Write("ann"); writer.Write("req-7"); writer.Write(DateTime.UtcNow.Ticks);
            WriteVersionOneEvent(writer, fields =>
            {
                fields.Write((byte)6); fields.Write(1UL); fields.Write(time.Ticks);
                fields.Write(0); fields.Write("Layer 1"); fields.Write(3); fields.Write(new byte[] { 4, 5, 6 });
                fields.Write(true); fields.Write(1); fields.Write(2); fields.Write(3); fields.Write(4);
            });
            WriteVersionOneEvent(writer, fields => { fields.Write((byte)9); fields.Write(2UL); fields.Write(time.Ticks); fields.Write("Cancelled."); });
        }

        var read = await ReadAll(Open(NullLogger<ResultStore>.Instance).Find("job-7")!.Events);

        var layer = Assert.IsType<JobLayer>(read[0]);
        Assert.Equal((0, "Layer 1", new LayerBounds(1, 2, 3, 4)), (layer.Index, layer.Name, layer.Bounds));
        Assert.Equal(new byte[] { 4, 5, 6 }, layer.Png.ToArray());
        Assert.Equal((0, 0, 8, 1), (layer.X, layer.Y, layer.BitsPerChannel, layer.ChunkCount));
        Assert.IsType<JobCancelled>(read[1]);
    }

    private static void WriteVersionOneEvent(BinaryWriter writer, Action<BinaryWriter> write)
    {
        using var record = new MemoryStream();
        using (var fields = new BinaryWriter(record, System.Text.Encoding.UTF8, leaveOpen: true)) write(fields);
        writer.Write((int)record.Length);
        writer.Write(record.ToArray());
    }

    [Fact]
    public void Find_FileOfAnotherVersion_IsNullAndTheRefusalIsLogged()
    {
        var bytes = File.ReadAllBytes(ResultPath("job-1"));
        BitConverter.TryWriteBytes(bytes.AsSpan(8), ResultFile.Version + 1);
        File.WriteAllBytes(ResultPath("job-1"), bytes);
        var log = new ListLogger<ResultStore>();

        var restarted = Open(log);

        Assert.Null(restarted.Find("job-1"));
        var line = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains($"job-1.result of job job-1 was refused: it is of version {ResultFile.Version + 1}, and this server reads versions 1 to {ResultFile.Version} only", line.Message);
    }

    [Fact]
    public void Find_FileDamagedAfterItWasStored_IsNullAndTheRefusalIsLogged()
    {
        var log = new ListLogger<ResultStore>();
        var store = Open(log);
        using (var file = File.OpenWrite(ResultPath("job-1"))) file.SetLength(file.Length - 3);

        var found = store.Find("job-1");

        Assert.Null(found);
        var line = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("job-1.result of job job-1 was refused: an event at byte", line.Message);
        Assert.Contains("is cut short", line.Message);
    }

    [Fact]
    public void Find_FileThatIsNoResult_IsNullAndTheRefusalIsLogged()
    {
        File.WriteAllText(ResultPath("job-9"), "{\"owner\": \"ann\"}");
        var log = new ListLogger<ResultStore>();

        var restarted = Open(log);

        Assert.Null(restarted.Find("job-9"));
        Assert.Contains(log.Lines, l => l.Message.Contains("job-9.result of job job-9 was refused: it is not a QwenLayered result file"));
    }

    private ResultStore Open(ILogger<ResultStore> logger) =>
        new(Options.Create(new JobsOptions { ResultsFolder = _folder.Path }), logger);

    private string ResultPath(string id) => Path.Combine(_folder.Path, id + ".result");

    private static string Contract(JobUpdate update) => ContractEvents.ToContract("job", update).ToString();

    private static async Task<List<JobUpdate>> ReadAll(IJobEvents events, ulong afterSequence = 0)
    {
        var read = new List<JobUpdate>();
        await foreach (var e in events.Follow(afterSequence, Cancellation)) read.Add(e);
        return read;
    }

    public void Dispose() => _folder.Dispose();
}
