using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using QwenLayered.Contracts.V1;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// Reconnect forever (issue #29, defect 10): the panel's own controller under Node, as index.js wires it up, decomposes
/// a mock Photoshop document through qwenlayered-bridge to qwenlayered serve. The job waits behind a job the test
/// holds, so the panel has seen only its acceptance when the bridge is killed. The held job is cancelled, the panel's
/// job runs to its end with nobody following it, and the server is restarted (a graceful stop; finished results are
/// kept on disk), the bridge first, so that it has to wait for the server. The panel must come back by itself, resume
/// the job after the last event it saw, receive every layer once, replayed from the restarted server's stored result,
/// and insert every layer once into the document, its result marked inserted in the results history.
/// </summary>
public class PanelRestartEndToEndTests(TinyModelFolder model)
{
    private const string Token = "panel-restart-token";
    private const int Steps = 3;
    private const int Width = 64, Height = 48;
    private const int Sigterm = 15;
    private static readonly Regex BridgeListening = new(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)");

    [Fact]
    public async Task PanelController_BridgeGoneAndServerRestartedMidJob_ReconnectsResumesAndInsertsEveryLayerOnce()
    {
        using var results = new TempResultsFolder();
        // The held job: a million steps, cancelled by the test, so the panel's job waits behind it as long as needed.
        string serve = $"--model {model.Path} --device cpu --dtype fp32 --Engine:WorkingArea={64 * 64} --Limits:MaxSteps=1000000 " +
            $"--Jobs:ResultsFolder={results.Path} --Auth:Tokens:0:Token={Token} --Auth:Tokens:0:Artist=panel";
        var server = await ServeProcess.StartAsync(serve);
        await server.WaitUntilServingAsync();
        var (grpcPort, httpPort) = (server.GrpcPort, server.HttpPort);
        var bridge = RunningExecutable.Start("qwenlayered-bridge", $"--server {server.GrpcAddress} --token {Token} --port 0");
        int bridgePort = int.Parse((await bridge.WaitForLineAsync(BridgeListening)).Groups["port"].Value, CultureInfo.InvariantCulture);
        using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
        var client = new Decomposer.DecomposerClient(channel);
        var headers = new Metadata { { "authorization", $"Bearer {Token}" } };
        using var held = client.Decompose(Request(steps: 1000000, "held"), headers, cancellationToken: TestContext.Current.CancellationToken);
        Assert.True(await held.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        string heldJob = held.ResponseStream.Current.JobId;
        await using var panel = PanelScript.Start("run-panel-restart.mjs", $"ws://127.0.0.1:{bridgePort}/panel", Width, Height, Steps);
        try
        {
            string panelJob = (await panel.WaitForLineAsync("accepted ")).Split(' ')[1];

            await bridge.DisposeAsync();
            var killedAt = DateTime.UtcNow;
            await client.CancelAsync(new CancelRequest { JobId = heldJob }, headers, cancellationToken: TestContext.Current.CancellationToken);
            using (var finished = client.Attach(new AttachRequest { JobId = panelJob }, headers, cancellationToken: TestContext.Current.CancellationToken))
                while (await finished.ResponseStream.MoveNext(TestContext.Current.CancellationToken)) { }
            server.Signal(Sigterm);
            Assert.Equal(0, await server.WaitForExitAsync());
            await server.DisposeAsync();
            bridge = RunningExecutable.Start("qwenlayered-bridge", $"--server http://127.0.0.1:{grpcPort} --token {Token} --port {bridgePort}");
            await bridge.WaitForLineAsync(BridgeListening);
            await panel.WaitForLineAsync("server_unreachable");
            server = await ServeProcess.StartAsync(serve, grpcPort, httpPort);
            var report = await panel.ReportAsync(() => $"The first bridge was killed at {killedAt:O}.\n{server.Output}\n{bridge.Output}");

            AssertResumedWithEveryLayerOnce(report);
            var job = report.GetProperty("job");
            InsertedLayers.AssertEveryLayerInsertedOnce(report, report.GetProperty("serverLayers"), panelJob, job.GetProperty("seed").GetString()!);
        }
        finally
        {
            await bridge.DisposeAsync();
            await server.DisposeAsync();
        }
    }

    private static DecomposeRequest Request(int steps, string prompt) => new()
    {
        Image = ByteString.CopyFrom(TestImages.Png(Width, Height)), Layers = 2, Steps = steps, Prompt = prompt, Seed = 5,
    };

    private static void AssertResumedWithEveryLayerOnce(JsonElement report)
    {
        Assert.True(report.GetProperty("failure").ValueKind == JsonValueKind.Null, report.ToString());
        var job = report.GetProperty("job");
        Assert.Equal(JsonValueKind.Null, report.GetProperty("failure").ValueKind);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal(2, job.GetProperty("layers").GetArrayLength());

        var events = report.GetProperty("events").EnumerateArray().ToList();
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt32()).ToList();
        Assert.Equal(sequences.Order().Distinct(), sequences);
        var layers = events.Where(e => e.GetProperty("type").GetString() == "layer").ToList();
        Assert.Equal([0, 1], layers.Select(l => l.GetProperty("index").GetInt32()));
        Assert.All(layers, l => Assert.True(l.GetProperty("payloadBytes").GetInt32() > 0));

        // The layers came after the panel connected again, on an attach after the last event it had seen.
        Assert.True(report.GetProperty("connections").GetInt32() >= 2);
        Assert.All(layers, l => Assert.True(l.GetProperty("connection").GetInt32() >= 2));
        // One attach, after the acceptance: the last event the panel had seen before the bridge went away.
        var attach = Assert.Single(report.GetProperty("resumed").EnumerateArray());
        Assert.Equal("attach", attach.GetProperty("type").GetString());
        int before = events.Where(e => e.GetProperty("connection").GetInt32() == 1).Max(e => e.GetProperty("sequence").GetInt32());
        Assert.Equal(before, attach.GetProperty("afterSequence").GetInt32());
        Assert.All(report.GetProperty("errors").EnumerateArray(), e => Assert.Equal("server_unreachable", e.GetProperty("code").GetString()));
        // Never stopped before its own stop at the end: nobody had to press Connect.
        var states = report.GetProperty("states").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.DoesNotContain("stopped", states[..^1]);
    }
}
