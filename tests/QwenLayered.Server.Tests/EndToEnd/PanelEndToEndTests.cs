using System.Text.Json;
using QwenLayered.Server.Tests.Serving;
using SixLabors.ImageSharp;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// The panel's own client code, under Node, through each bridge to a real server process running the real engine:
/// a job decomposed to its last layer, then a second job cancelled while it samples.
/// </summary>
public class PanelEndToEndTests(PanelStack stack) : IClassFixture<PanelStack>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task PanelClient_ThroughTheServersOwnEndpointWithItsToken_ReceivesEveryLayerAndCancelsASecondJob()
    {
        var report = await PanelClientProcess.RunAsync($"ws://127.0.0.1:{stack.HttpPort}/panel", PanelStack.Token, TestImages.Png(64, 48), () => stack.Output);

        AssertDecomposedAndCancelled(report);
    }

    [Fact]
    public async Task PanelClient_ThroughTheLocalBridgeWithItsToken_ReceivesEveryLayerAndCancelsASecondJob()
    {
        var report = await PanelClientProcess.RunAsync($"ws://127.0.0.1:{stack.ProxyPort}/panel", token: "", TestImages.Png(64, 48), () => stack.Output);

        AssertDecomposedAndCancelled(report);
    }

    private static void AssertDecomposedAndCancelled(JsonElement report)
    {
        Assert.Empty(report.GetProperty("errors").EnumerateArray());
        Assert.True(report.GetProperty("welcome").GetProperty("server").GetProperty("modelLoaded").GetBoolean());
        AssertDecomposed(report.GetProperty("jobs").GetProperty("decomposed"));
        AssertCancelled(report.GetProperty("jobs").GetProperty("cancelled"), report.GetProperty("cancelResult"));
    }

    /// <summary>Submitted with 2 layers, 3 steps and previews every step at most 32 pixels wide.</summary>
    private static void AssertDecomposed(JsonElement job)
    {
        var events = job.GetProperty("events").EnumerateArray().ToList();
        // Sequences only rise; gaps are superseded previews a slow reader was spared.
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(sequences.Order().Distinct(), sequences);
        Assert.Equal("accepted", Type(events[0]));
        Assert.StartsWith("e2e-decomposed-", events[0].GetProperty("clientRequestId").GetString());
        var started = Assert.Single(events, e => Type(e) == "started");
        Assert.Equal((2, 3), (started.GetProperty("layers").GetInt32(), started.GetProperty("steps").GetInt32()));

        // The last step's previews are never skipped.
        var previews = events.Where(e => Type(e) == "preview").ToList();
        Assert.Equal([0, 1], previews.Where(p => p.GetProperty("step").GetInt32() == 3).Select(p => p.GetProperty("layerIndex").GetInt32()));
        Assert.All(previews, p => Assert.True(Math.Max(Size(p).Width, Size(p).Height) <= 32, $"A preview is {Size(p)}."));

        var layers = events.Where(e => Type(e) == "layer").ToList();
        Assert.Equal([0, 1], layers.Select(l => l.GetProperty("index").GetInt32()));
        Assert.Equal(["Layer 1", "Layer 2"], layers.Select(l => l.GetProperty("name").GetString()));
        // At the 64x48 image's own size, each layer cropped to its pixels.
        Assert.All(layers, l => Assert.True(Size(l).Width <= 64 && Size(l).Height <= 48, $"A layer is {Size(l)}."));
        Assert.True(events.IndexOf(layers[0]) > events.IndexOf(previews[^1]), "A layer came before the last preview.");

        Assert.Equal(("completed", 2), (Type(events[^1]), events[^1].GetProperty("layerCount").GetInt32()));
        Assert.Equal(("completed", 2), (job.GetProperty("state").GetString(), job.GetProperty("layerCount").GetInt32()));
    }

    private static void AssertCancelled(JsonElement job, JsonElement cancelResult)
    {
        var events = job.GetProperty("events").EnumerateArray().ToList();
        Assert.True(cancelResult.GetProperty("cancelled").GetBoolean(), $"Not cancelled; the job said {string.Join(", ", events.Select(Type))}.");
        Assert.Contains(events, e => Type(e) == "progress");
        Assert.Equal("cancelled", Type(events[^1]));
        Assert.DoesNotContain(events, e => Type(e) is "layer" or "completed");
        Assert.Equal(("cancelled", 0), (job.GetProperty("state").GetString(), job.GetProperty("layerCount").GetInt32()));
    }

    private static string? Type(JsonElement message) => message.GetProperty("type").GetString();

    /// <summary>The size of the PNG a preview or layer event carried; fails unless the payload is a PNG.</summary>
    private static Size Size(JsonElement message)
    {
        byte[] png = message.GetProperty("payload").GetBytesFromBase64();
        Assert.Equal(PngSignature, png[..8]);
        var info = Image.Identify(png);
        return new Size(info.Width, info.Height);
    }
}
