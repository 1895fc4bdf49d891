using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>Every test runs through both ways of serving the bridge: in-process and the qwenlayered-bridge proxy.</summary>
public class PanelSessionTests(BridgeHosts hosts) : IClassFixture<BridgeHosts>
{
    public static TheoryData<string> Hosts => [BridgeHosts.InProcess, BridgeHosts.Proxy];

    public static TheoryData<string, string> BadFramesThroughBothHosts
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var host in Hosts)
            foreach (var vector in ProtocolVectors.Load("bad-frames.json").AsArray())
                data.Add(host, vector!.ToJsonString());
            return data;
        }
    }

    private static readonly byte[] Image = [0x89, (byte)'P', (byte)'N', (byte)'G', 42];

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Hello_RightVersionAndToken_IsWelcomedWithTheServersInfo(string host)
    {
        await using var panel = await PanelClient.ConnectAsync(hosts.PanelUri(host));

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, FakeDecomposer.Token));

        var welcome = Assert.IsType<WelcomeMessage>((await panel.ReceiveAsync()).Message);
        Assert.Equal(PanelProtocol.Version, welcome.Protocol);
        Assert.Equal(("9.9.9", true, "tiny", 8), (welcome.Server.ServerVersion, welcome.Server.ModelLoaded, welcome.Server.ModelName, welcome.Server.MaxLayers));
        Assert.Equal((32, 16), (welcome.Server.QueueCapacity, welcome.Server.MaxQueuedPerArtist));
        Assert.Equal([64, 128], welcome.Server.Resolutions);
        Assert.False(welcome.Server.CaptionsEmptyPrompt);
        Assert.Equal(new SubmitDefaults(4, 20, 1, 64), welcome.Server.Defaults);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Hello_VersionsFromTheVectors_AreAcceptedOrRefusedNamingWhatToUpdate(string host)
    {
        foreach (var c in ProtocolVectors.Load("versions.json")["cases"]!.AsArray())
        {
            await using var panel = await PanelClient.ConnectAsync(hosts.PanelUri(host));

            await panel.SendAsync(new HelloMessage(c!["panelProtocol"]!.GetValue<int>(), FakeDecomposer.Token));
            var reply = (await panel.ReceiveAsync()).Message;

            if (c["accepted"]!.GetValue<bool>()) { Assert.IsType<WelcomeMessage>(reply); continue; }
            var error = Assert.IsType<ErrorMessage>(reply);
            Assert.Equal((ErrorCodes.VersionMismatch, true), (error.Code, error.Fatal));
            Assert.Contains(c["messageContains"]!.GetValue<string>(), error.Message);
            Assert.Null(await panel.ReceiveRawAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Hello_WrongToken_GetsFatalBadTokenAndTheConnectionCloses(string host)
    {
        await using var panel = await PanelClient.ConnectAsync(hosts.PanelUri(host));

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, "wrong"));

        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        Assert.Equal((ErrorCodes.BadToken, true), (error.Code, error.Fatal));
        Assert.Null(await panel.ReceiveRawAsync());
    }

    [Fact]
    public async Task Hello_ServerUnreachable_GetsServerUnreachableThatIsNotFatal()
    {
        var (app, uri) = await hosts.StartUnreachableProxyAsync();
        await using var _ = app;
        await using var panel = await PanelClient.ConnectAsync(uri);

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, FakeDecomposer.Token));

        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        Assert.Equal((ErrorCodes.ServerUnreachable, false), (error.Code, error.Fatal));
        Assert.Contains("Cannot reach the QwenLayered server", error.Message);
        // The bridge keeps trying the server with the connection open (ServerRestartTests covers the welcome that follows).
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, panel.State);
    }

    [Theory]
    [MemberData(nameof(BadFramesThroughBothHosts))]
    public async Task BadFrame_GetsAnErrorFrameAndTheConnectionStaysUsable(string host, string vectorJson)
    {
        var vector = JsonNode.Parse(vectorJson)!;
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await (vector["text"] is { } text
            ? panel.SendTextAsync(text.GetValue<string>())
            : panel.SendBinaryAsync(Convert.FromBase64String(vector["binaryBase64"]!.GetValue<string>())));
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, FakeDecomposer.Token));

        Assert.Equal((ErrorCodes.BadFrame, false), (error.Code, error.Fatal));
        Assert.IsType<WelcomeMessage>((await panel.ReceiveAsync()).Message);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Submit_LargerThanTheServerAccepts_IsABadFrameNamingTheServersLimit(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await panel.SendAsync(new SubmitMessage("req-big"), new byte[FakeDecomposer.MaxRequestBytes]);
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        await panel.SendAsync(new SubmitMessage("req-small"), Image);

        Assert.Equal((ErrorCodes.BadFrame, false), (error.Code, error.Fatal));
        Assert.Contains($"larger than the bridge accepts ({FakeDecomposer.MaxRequestBytes} bytes)", error.Message);
        Assert.IsType<AcceptedEvent>((await panel.ReceiveAsync()).Message);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Message_LargerThanAHelloBeforeTheWelcome_IsABadFrame(string host)
    {
        await using var panel = await PanelClient.ConnectAsync(hosts.PanelUri(host));

        await panel.SendAsync(new SubmitMessage("req-big"), new byte[PanelBridgeOptions.MaxHelloBytes]);
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);

        Assert.Equal(ErrorCodes.BadFrame, error.Code);
        Assert.Contains($"larger than the bridge accepts ({PanelBridgeOptions.MaxHelloBytes} bytes)", error.Message);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Submit_BeforeHello_IsRefusedUntilTheHelloComes(string host)
    {
        await using var panel = await PanelClient.ConnectAsync(hosts.PanelUri(host));

        await panel.SendAsync(new SubmitMessage("req-1"), Image);

        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        Assert.Equal(ErrorCodes.HelloRequired, error.Code);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Submit_StreamsEveryEventWithPreviewAndLayerPngs(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await panel.SendAsync(new SubmitMessage("req-7", Layers: 3, Prompt: "three", Seed: "5", Preview: new PreviewSettings(1, 64)), Image);
        var frames = await panel.ReceiveUntilAsync<CompletedEvent>();

        Assert.Equal(["accepted", "started", "progress", "preview", "preview", "preview", "layer", "layer", "layer", "completed"],
            frames.Select(f => ProtocolVectors.ToNode(f.Message)["type"]!.GetValue<string>()));
        Assert.Equal("req-7", Assert.IsType<AcceptedEvent>(frames[0].Message).ClientRequestId);
        Assert.Equal([0, 1, 2], frames.Select(f => f.Message).OfType<LayerEvent>().Select(l => l.Index));
        Assert.All(frames.Where(f => f.Message.CarriesPayload), f => Assert.Equal(FakeDecomposer.Png, f.Payload.ToArray()));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), frames.Select(f => ((JobEventMessage)f.Message).Sequence));
        Assert.Equal(Image, hosts.Decomposer.LastRequest!.Image.ToByteArray());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Submit_ServerBusy_GetsBusyWithTheServersMessage(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await panel.SendAsync(new SubmitMessage("req-b", Prompt: FakeDecomposer.BusyPrompt), Image);

        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        Assert.Equal((ErrorCodes.Busy, "req-b", false), (error.Code, error.ClientRequestId, error.Fatal));
        Assert.Contains("queue is full", error.Message);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Cancel_HeldJob_IsConfirmedAndItsStreamEndsCancelled(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));
        await panel.SendAsync(new SubmitMessage("req-h", Prompt: FakeDecomposer.HoldPrompt), Image);
        var accepted = Assert.IsType<AcceptedEvent>((await panel.ReceiveAsync()).Message);

        await panel.SendAsync(new CancelMessage(accepted.JobId));
        // The confirmation and the stream's last event race each other.
        PanelMessage[] replies = [(await panel.ReceiveAsync()).Message, (await panel.ReceiveAsync()).Message];

        Assert.Contains(new CancelResultMessage(accepted.JobId, true), replies);
        Assert.Contains(replies, m => m is CancelledEvent c && c.JobId == accepted.JobId);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Attach_AfterReconnect_ReplaysTheEventsAfterTheGivenSequence(string host)
    {
        string jobId;
        await using (var first = await PanelClient.GreetedAsync(hosts.PanelUri(host)))
        {
            await first.SendAsync(new SubmitMessage("req-a", Layers: 1), Image);
            jobId = ((JobEventMessage)(await first.ReceiveAsync()).Message).JobId;
        }
        await using var second = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await second.SendAsync(new AttachMessage(jobId, AfterSequence: 3));
        var frames = await second.ReceiveUntilAsync<CompletedEvent>();

        Assert.Equal([4ul, 5, 6], frames.Select(f => ((JobEventMessage)f.Message).Sequence));
        Assert.IsType<PreviewEvent>(frames[0].Message);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task AttachAndCancel_SendTheJobIdAsXJobIdMetadata_ForALoadBalancerToRouteBy(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));
        await panel.SendAsync(new SubmitMessage("req-x", Prompt: FakeDecomposer.HoldPrompt), Image);
        var jobId = Assert.IsType<AcceptedEvent>((await panel.ReceiveAsync()).Message).JobId;

        await panel.SendAsync(new AttachMessage(jobId));
        await panel.ReceiveUntilAsync<AcceptedEvent>(); // the attach's replay: the server has seen the call
        await panel.SendAsync(new CancelMessage(jobId));
        await panel.ReceiveUntilAsync<CancelResultMessage>();

        Assert.Contains($"Attach {jobId} x-job-id={jobId}", hosts.Decomposer.JobCalls);
        Assert.Contains($"Cancel {jobId} x-job-id={jobId}", hosts.Decomposer.JobCalls);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Attach_UnknownJob_GetsNotFoundAndTheConnectionStaysUsable(string host)
    {
        await using var panel = await PanelClient.GreetedAsync(hosts.PanelUri(host));

        await panel.SendAsync(new AttachMessage("job-none"));
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        await panel.SendAsync(new CancelMessage("job-none"));

        Assert.Equal((ErrorCodes.NotFound, "job-none"), (error.Code, error.JobId));
        Assert.Equal(ErrorCodes.NotFound, Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message).Code);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Connect_FromAWebPageOrigin_IsRefused(string host)
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() => PanelClient.ConnectAsync(hosts.PanelUri(host), origin: "https://evil.example"));

        Assert.Contains("403", error.Message);
    }

    [Fact]
    public async Task ProxyStatusPage_ShowsTheServerItReaches()
    {
        using var http = new HttpClient();

        var response = await http.GetAsync(hosts.ProxyUri, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("qwenlayered-bridge", html);
        Assert.Contains("Server: http://127.0.0.1:", html);
    }
}
