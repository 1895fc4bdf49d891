using System.Runtime.InteropServices;
using Grpc.Core;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Jobs;
using QwenLayered.Server.Services;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Services;

public class ContractEventsTests
{
    private static readonly DateTime Time = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void ToContract_EveryKindOfJobUpdate_BecomesItsContractKindWithItsFields()
    {
        var png = new byte[] { 1, 2, 3 };
        JobUpdate[] updates =
        [
            new JobAccepted(3), new JobQueuePositionChanged(2), new JobStarted(777, 640, 480, 4, 50, "a cat"),
            new JobProgress(7, 50, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(21.5)), new JobPreview(10, 1, png),
            new JobLayer(2, "Layer 3", png, new LayerBounds(10, 20, 30, 40)) { X = 9, Y = 19, Width = 33, Height = 41, BitsPerChannel = 16, ChunkCount = 2 },
            new JobCompleted(4, [new PhaseTime("sampling", TimeSpan.FromSeconds(42))]),
            new JobFailed(JobFailure.BadInput, "image: truncated"), new JobCancelled("Cancelled by ann."), new JobLayerChunk(2, 1, png),
        ];

        var events = updates.Select((u, i) => ContractEvents.ToContract("job-1", u with { Sequence = (ulong)i + 1, Time = Time })).ToList();

        Assert.Equal(Enum.GetValues<Kind>().Where(k => k != Kind.None), events.Select(e => e.KindCase));
        Assert.All(events, e => Assert.Equal(("job-1", Time), (e.JobId, e.Time.ToDateTime())));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), events.Select(e => e.Sequence));
        Assert.Equal(3, events[0].Accepted.QueuePosition);
        Assert.Equal(2, events[1].QueuePositionChanged.QueuePosition);
        Assert.Equal(new Started { Seed = 777, Width = 640, Height = 480, Layers = 4, Steps = 50, Prompt = "a cat" }, events[2].Started);
        Assert.Equal((7, 50, 3.5, 21.5), (events[3].Progress.Step, events[3].Progress.TotalSteps,
            events[3].Progress.Elapsed.ToTimeSpan().TotalSeconds, events[3].Progress.EstimatedRemaining.ToTimeSpan().TotalSeconds));
        Assert.Equal((10, 1, png), (events[4].Preview.Step, events[4].Preview.LayerIndex, events[4].Preview.Png.ToByteArray()), Comparer);
        Assert.Equal((2, "Layer 3", new Rect { X = 10, Y = 20, Width = 30, Height = 40 }), (events[5].Layer.Index, events[5].Layer.Name, events[5].Layer.Bounds));
        Assert.Equal((9, 19, 33, 41, 16, 2), (events[5].Layer.X, events[5].Layer.Y, events[5].Layer.Width, events[5].Layer.Height,
            events[5].Layer.BitsPerChannel, events[5].Layer.ChunkCount));
        Assert.Equal((4, "sampling", 42.0), (events[6].Completed.LayerCount, events[6].Completed.Timings[0].Phase, events[6].Completed.Timings[0].Duration.ToTimeSpan().TotalSeconds));
        Assert.Equal(new Failed { StatusCode = (int)StatusCode.InvalidArgument, Message = "image: truncated" }, events[7].Failed);
        Assert.Equal("Cancelled by ann.", events[8].Cancelled.Reason);
        Assert.Equal((2, 1, png), (events[9].LayerChunk.LayerIndex, events[9].LayerChunk.Chunk, events[9].LayerChunk.Data.ToByteArray()), Comparer);
    }

    [Theory]
    [InlineData(JobFailure.BadInput, StatusCode.InvalidArgument)]
    [InlineData(JobFailure.OutOfMemory, StatusCode.ResourceExhausted)]
    [InlineData(JobFailure.Internal, StatusCode.Internal)]
    public void ToContract_Failure_CarriesItsStatusCode(JobFailure failure, StatusCode code)
    {
        var e = ContractEvents.ToContract("job-1", new JobFailed(failure, "m"));

        Assert.Equal((int)code, e.Failed.StatusCode);
    }

    [Fact]
    public void ToContract_Layer_SharesItsPngRatherThanCopyingIt()
    {
        var png = new byte[] { 1, 2, 3 };

        var e = ContractEvents.ToContract("job-1", new JobLayer(0, "Layer 1", png, null));

        Assert.True(MemoryMarshal.TryGetArray(e.Layer.Png.Memory, out var shared) && ReferenceEquals(png, shared.Array));
        Assert.Null(e.Layer.Bounds);
    }

    private static readonly IEqualityComparer<(int, int, byte[])> Comparer = EqualityComparer<(int, int, byte[])>.Create(
        (a, b) => a.Item1 == b.Item1 && a.Item2 == b.Item2 && a.Item3.SequenceEqual(b.Item3));
}
