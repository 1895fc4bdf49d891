using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QwenLayered.Contracts.V1;

namespace QwenLayered.Server.Tests.Contracts;

public class JobEventRoundTripTests
{
    /// <summary>One filled-in event of every kind the contract defines.</summary>
    private static IEnumerable<JobEvent> OneOfEachKind()
    {
        var time = Timestamp.FromDateTimeOffset(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        JobEvent Event(ulong sequence) => new() { Sequence = sequence, JobId = "job-1", Time = time };

        var e = Event(1); e.Accepted = new Accepted { QueuePosition = 3 }; yield return e;
        e = Event(2); e.QueuePositionChanged = new QueuePositionChanged { QueuePosition = 2 }; yield return e;
        e = Event(3); e.Started = new Started { Seed = 777, Width = 640, Height = 480, Layers = 4, Steps = 50, Prompt = "a cat" }; yield return e;
        e = Event(4);
        e.Progress = new Progress
        {
            Step = 7, TotalSteps = 50,
            Elapsed = Duration.FromTimeSpan(TimeSpan.FromSeconds(3.5)),
            EstimatedRemaining = Duration.FromTimeSpan(TimeSpan.FromSeconds(21.5)),
        };
        yield return e;
        e = Event(5); e.Preview = new Preview { Step = 10, LayerIndex = 1, Png = ByteString.CopyFrom(1, 2, 3) }; yield return e;
        e = Event(6);
        e.Layer = new Layer
        {
            Index = 2, Name = "Layer 3 (seed 777)", Png = ByteString.CopyFrom(4, 5, 6),
            Bounds = new Rect { X = 10, Y = 20, Width = 30, Height = 40 },
            X = 5, Y = 15, Width = 50, Height = 60, BitsPerChannel = 16, ChunkCount = 2,
        };
        yield return e;
        e = Event(10); e.LayerChunk = new LayerChunk { LayerIndex = 2, Chunk = 1, Data = ByteString.CopyFrom(7, 8, 9) }; yield return e;
        e = Event(7);
        e.Completed = new Completed
        {
            LayerCount = 4,
            Timings = { new PhaseTiming { Phase = "sampling", Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(42)) } },
        };
        yield return e;
        e = Event(8); e.Failed = new Failed { StatusCode = 8, Message = "Out of GPU memory; try fewer layers." }; yield return e;
        e = Event(9); e.Cancelled = new Cancelled { Reason = "Cancelled by its owner." }; yield return e;
    }

    public static TheoryData<JobEvent> Events => [.. OneOfEachKind()];

    [Theory]
    [MemberData(nameof(Events))]
    public void JobEvent_EveryKind_SurvivesProtobufRoundTrip(JobEvent original)
    {
        var parsed = JobEvent.Parser.ParseFrom(original.ToByteArray());

        Assert.Equal(original, parsed);
        Assert.Equal(original.KindCase, parsed.KindCase);
        Assert.NotEqual(JobEvent.KindOneofCase.None, parsed.KindCase);
    }

    [Fact]
    public void OneOfEachKind_CoversEveryKindOfTheContract()
    {
        var defined = System.Enum.GetValues<JobEvent.KindOneofCase>().Where(k => k != JobEvent.KindOneofCase.None);

        Assert.Equal(defined.Order(), OneOfEachKind().Select(e => e.KindCase).Order());
    }

    [Fact]
    public void DecomposeRequest_WithEveryField_SurvivesProtobufRoundTrip()
    {
        var original = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.PngHeader), Layers = 4, Prompt = "a poster", NegativePrompt = " ",
            Steps = 50, GuidanceScale = 4f, Seed = 777, Resolution = 1024,
            Preview = new PreviewOptions { EverySteps = 5, MaxEdge = 256 },
            Region = new Region { Rect = new Rect { X = 1, Y = 2, Width = 3, Height = 4 }, Mask = ByteString.CopyFrom(9) },
            ClientRequestId = "panel-42",
        };

        var parsed = DecomposeRequest.Parser.ParseFrom(original.ToByteArray());

        Assert.Equal(original, parsed);
        Assert.True(parsed.HasSeed);
        Assert.True(parsed.HasNegativePrompt);
    }
}
