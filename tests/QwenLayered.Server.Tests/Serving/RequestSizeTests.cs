using System.Diagnostics;
using System.IO.Compression;
using Google.Protobuf;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

/// <summary>
/// Large requests as an operator meets them: their memory while queued and the upload limit. One class, so its tests
/// run one after another and the memory measured is theirs.
/// </summary>
public class RequestSizeTests(ModelServer server) : ServingTestBase(server), IClassFixture<ModelServer>
{
    private const long MiB = 1024 * 1024;

    // The requests' copies as gRPC makes them, and its message size limit, are part of what is measured.
    protected override bool OverTheWire => true;

    [Fact]
    public async Task Decompose_HugeImagesWaitingInTheQueue_HoldTheirFilesNotTheirPixels()
    {
        // 8192x8192 is 256 MiB of RGBA pixels in a 65 kB file.
        var request = Request();
        request.Image = ByteString.CopyFrom(HandmadeImages.BlackPng(8192, 8192));
        using var blocker = await StartBlockerAsync(Artists.Admin);
        var (managedBefore, rssBefore) = Memory();

        var queued = new List<IJobCall>();
        for (int i = 0; i < ModelServer.QueueCapacity; i++)
            queued.Add(await SubmitAcceptedAsync(i < ModelServer.MaxQueuedPerArtist ? Artists.Ann : Artists.Bob, request));
        var (managedAfter, rssAfter) = Memory();
        foreach (var job in queued.Append(blocker)) await CancelAsync(Artists.Admin, job.JobId);
        foreach (var job in queued) job.Dispose();

        long added = managedAfter - managedBefore;
        Assert.True(added < 300 * MiB,
            $"{queued.Count} queued jobs added {added / MiB} MiB of managed memory (resident set: {(rssAfter - rssBefore) / MiB} MiB).");
    }

    [Fact]
    public async Task Decompose_48MBPngWithin64MiBLimit_IsAcceptedAndDecomposed()
    {
        // Stored, not deflated: 4096x2930 RGBA pixels make a 48 MB file.
        var request = Request();
        request.Image = ByteString.CopyFrom(HandmadeImages.BlackPng(4096, 2930, rgba: true, CompressionLevel.NoCompression));
        Assert.InRange(request.Image.Length, 48_000_000, 64 * 1024 * 1024);

        var events = await Submit(Artists.Ann, request).ToEndAsync();

        Assert.Equal(Kind.Completed, events[^1].KindCase);
    }

    // Managed memory in use after a full collection, and the process's resident set.
    private static (long Managed, long Resident) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long managed = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        return (managed, process.WorkingSet64);
    }
}
