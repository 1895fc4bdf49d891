using Google.Protobuf;
using QwenLayered.Contracts.V1;
using Kind = QwenLayered.Contracts.V1.JobEvent.KindOneofCase;

namespace QwenLayered.Server.Tests.Serving;

[Collection(SharedModelServer.Name)]
public class DecomposeStreamingTests(ModelServer server) : IClassFixture<ModelServer>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Decompose_WithPreviews_StreamsAcceptedStartedProgressPreviewsLayersThenCompleted()
    {
        var request = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.Png(80, 60)), Layers = 2, Steps = 3, Seed = 5, Prompt = "a gradient",
            Preview = new PreviewOptions { EverySteps = 1, MaxEdge = 32 },
        };
        using var stream = new JobStream(server.Client.Decompose(request, Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));

        var events = await stream.ToEndAsync();

        Assert.Equal(Kind.Accepted, events[0].KindCase);
        Assert.StartsWith("gpu1-", events[0].JobId);
        Assert.Equal(events.Select(e => e.Sequence).Order(), events.Select(e => e.Sequence));
        Assert.Equal(events.Count, events.Select(e => e.Sequence).Distinct().Count());
        var started = Assert.Single(stream.OfKind(Kind.Started)).Started;
        Assert.Equal((5ul, 2, 3, "a gradient"), (started.Seed, started.Layers, started.Steps, started.Prompt));
        Assert.Equal([1, 2, 3], stream.OfKind(Kind.Progress).Select(e => e.Progress.Step));
        // A reader that falls behind may miss superseded previews, never the latest of each layer.
        Assert.Equal([(3, 0), (3, 1)], stream.OfKind(Kind.Preview).Select(e => (e.Preview.Step, e.Preview.LayerIndex)).Where(p => p.Step == 3));
        var layers = stream.OfKind(Kind.Layer).Select(e => e.Layer).ToList();
        Assert.Equal([0, 1], layers.Select(l => l.Index));
        // The tiny model can caption, so each layer is named by its captioner rather than "Layer N".
        Assert.All(layers, l => Assert.False(string.IsNullOrWhiteSpace(l.Name) || l.Name == $"Layer {l.Index + 1}", l.Name));
        Assert.All(layers, l => Assert.Equal(0x89, l.Png[0]));
        var completed = events[^1].Completed;
        Assert.Equal(2, completed.LayerCount);
        Assert.Equal(["queued", "text_encoding", "vae_encode", "sampling", "vae_decode", "total"], completed.Timings.Select(t => t.Phase));
    }

    [Fact]
    public async Task Decompose_AutomaticLayers_StartedReportsTheChosenCountAndTheLayersFollowIt()
    {
        var request = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.Png(64, 64)), AutomaticLayers = true, Layers = 3, Steps = 1, Seed = 2, Prompt = "p",
        };
        using var stream = new JobStream(server.Client.Decompose(request, Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));

        var events = await stream.ToEndAsync();

        int chosen = Assert.Single(stream.OfKind(Kind.Started)).Started.Layers;
        Assert.InRange(chosen, 1, 3);
        var completed = events[^1].Completed;
        Assert.InRange(completed.LayerCount, 1, chosen);
        Assert.Equal(Enumerable.Range(0, completed.LayerCount), stream.OfKind(Kind.Layer).Select(e => e.Layer.Index));
        Assert.Contains("layer_count", completed.Timings.Select(t => t.Phase));
    }

    [Fact]
    public async Task Decompose_AClientThatStopsReading_NeitherStallsTheJobNorMissesALayer()
    {
        var request = new DecomposeRequest
        {
            Image = ByteString.CopyFrom(TestImages.Png(64, 64)), Layers = 4, Steps = 20, Seed = 1, Prompt = "p",
            Preview = new PreviewOptions { EverySteps = 1 },
        };
        using var idle = new JobStream(server.Client.Decompose(request, Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));
        var accepted = await idle.UntilAsync(Kind.Accepted);

        // The job finishes while the first client reads nothing more (its HTTP/2 window fills up meanwhile).
        using var watcher = new JobStream(server.Client.Attach(new AttachRequest { JobId = accepted.JobId }, Artists.Bearer(Artists.Ann), cancellationToken: Cancellation));
        var watched = await watcher.ToEndAsync();
        var late = await idle.ToEndAsync();

        Assert.Equal(Kind.Completed, watched[^1].KindCase);
        Assert.Equal([0, 1, 2, 3], late.Where(e => e.KindCase == Kind.Layer).Select(e => e.Layer.Index));
        Assert.Equal(Kind.Completed, late[^1].KindCase);
    }
}
