using System.Diagnostics;
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
/// Reconnect forever (issue #29, defect 10): the panel's own client modules under Node submit a job through
/// qwenlayered-bridge to qwenlayered serve. It waits behind a job the test holds, so the panel has seen only its
/// acceptance when the bridge is killed. The held job is cancelled, the panel's job runs to its end with nobody
/// following it, and the server is restarted (a graceful stop; finished results are kept on disk), the bridge first, so
/// that it has to wait for the server. The panel must come back by itself, resume the job after the last event it saw
/// and end with every layer once, replayed from the restarted server's stored result.
/// </summary>
public class PanelRestartEndToEndTests(TinyModelFolder model)
{
    private const string Token = "panel-restart-token";
    private const int Steps = 3;
    private const int Sigterm = 15;
    private static readonly Regex BridgeListening = new(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)");

    [Fact]
    public async Task PanelClient_BridgeGoneAndServerRestartedMidJob_ReconnectsResumesAndReceivesEveryLayerOnce()
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
        await using var panel = await PanelScript.StartAsync($"ws://127.0.0.1:{bridgePort}/panel", Steps);
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
        }
        finally
        {
            await bridge.DisposeAsync();
            await server.DisposeAsync();
        }
    }

    private static DecomposeRequest Request(int steps, string prompt) => new()
    {
        Image = ByteString.CopyFrom(TestImages.Png(64, 48)), Layers = 2, Steps = steps, Prompt = prompt, Seed = 5,
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

    /// <summary>plugin-uxp/test/end-to-end/run-panel-restart.js under Node; its lines are read as they come.</summary>
    private sealed class PanelScript : IAsyncDisposable
    {
        private readonly Process _node;
        private readonly List<string> _lines = [];
        private readonly List<string> _errors = [];
        private readonly List<(string Start, TaskCompletionSource<string> Found)> _waiters = [];

        private PanelScript(Process node)
        {
            _node = node;
            node.OutputDataReceived += (_, line) =>
            {
                if (line.Data is null) return;
                lock (_lines)
                {
                    _lines.Add(line.Data);
                    foreach (var waiter in _waiters.Where(w => line.Data.StartsWith(w.Start, StringComparison.Ordinal)).ToList())
                    {
                        waiter.Found.TrySetResult(line.Data);
                        _waiters.Remove(waiter);
                    }
                }
            };
            node.ErrorDataReceived += (_, line) =>
            {
                if (line.Data is not null) lock (_errors) _errors.Add(line.Data);
            };
            node.Exited += (_, _) =>
            {
                lock (_lines) foreach (var (start, found) in _waiters) found.TrySetException(new InvalidOperationException($"The panel script ended before printing '{start}…':\n{string.Join('\n', _lines)}"));
            };
            node.EnableRaisingEvents = true;
            node.BeginOutputReadLine();
            node.BeginErrorReadLine();
        }

        public static async Task<PanelScript> StartAsync(string address, int steps)
        {
            string image = Path.GetTempFileName();
            await File.WriteAllBytesAsync(image, TestImages.Png(64, 48), TestContext.Current.CancellationToken);
            var start = new ProcessStartInfo("node")
            {
                ArgumentList = { "--experimental-websocket", PanelClientProcess.Script("run-panel-restart.js"), address, image,
                    steps.ToString(CultureInfo.InvariantCulture), Deadlines.Hung.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            return new PanelScript(Process.Start(start)!);
        }

        /// <returns>The first line, printed before or after this call, that starts with <paramref name="start"/>.</returns>
        public Task<string> WaitForLineAsync(string start)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                if (_lines.FirstOrDefault(line => line.StartsWith(start, StringComparison.Ordinal)) is { } line) return Task.FromResult(line);
                if (_node.HasExited) throw new InvalidOperationException($"The panel script ended before printing '{start}…':\n{string.Join('\n', _lines)}");
                _waiters.Add((start, found));
            }
            return found.Task.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
        }

        /// <returns>The JSON report the script prints last.</returns>
        public async Task<JsonElement> ReportAsync(Func<string> processesOutput)
        {
            await _node.WaitForExitAsync(TestContext.Current.CancellationToken);
            string output, errors;
            lock (_lines) output = string.Join('\n', _lines);
            lock (_errors) errors = string.Join('\n', _errors);
            Assert.True(_node.ExitCode == 0, $"The panel script failed ({_node.ExitCode}):\n{output}\n{errors}\n{processesOutput()}");
            lock (_lines) return JsonDocument.Parse(_lines[^1]).RootElement;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_node.HasExited) _node.Kill(entireProcessTree: true);
            await _node.WaitForExitAsync();
            _node.Dispose();
        }
    }
}
