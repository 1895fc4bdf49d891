using QwenLayered.Bridge.Protocol;

namespace QwenLayered.Bridge.Tests.Session;

/// <summary>The bridge waits out a server that goes away, so the panel never has to connect again (issue #29, defect 10).</summary>
public class ServerRestartTests
{
    private static readonly byte[] Image = [0x89, (byte)'P', (byte)'N', (byte)'G', 42];

    [Fact]
    public async Task Hello_ServerDownUntilItStarts_GetsANonFatalServerUnreachableThenTheWelcome()
    {
        await using var stack = new RestartingServer();
        await stack.StartBridgeAsync();
        await using var panel = await PanelClient.ConnectAsync(stack.PanelUri);

        await panel.SendAsync(new HelloMessage(PanelProtocol.Version, FakeDecomposer.Token));
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        await stack.StartServerAsync();

        Assert.Equal((ErrorCodes.ServerUnreachable, false), (error.Code, error.Fatal));
        Assert.IsType<WelcomeMessage>((await panel.ReceiveAsync()).Message);
    }

    [Fact]
    public async Task RunningJob_ServerRestarts_BridgeReattachesAfterTheLastEventAndRelaysTheRestOnce()
    {
        await using var stack = new RestartingServer();
        await stack.StartServerAsync();
        await stack.StartBridgeAsync();
        await using var panel = await PanelClient.GreetedAsync(stack.PanelUri);
        await panel.SendAsync(new SubmitMessage("req-r", Prompt: FakeDecomposer.HoldPrompt), Image);
        var accepted = Assert.IsType<AcceptedEvent>((await panel.ReceiveAsync()).Message);

        await stack.StopServerAsync();
        var error = Assert.IsType<ErrorMessage>((await panel.ReceiveAsync()).Message);
        stack.Decomposer.CompleteHeldJob(accepted.JobId);
        await stack.StartServerAsync();
        var frames = await panel.ReceiveUntilAsync<CompletedEvent>();

        Assert.Equal((ErrorCodes.ServerUnreachable, false, accepted.JobId), (error.Code, error.Fatal, error.JobId));
        Assert.Equal([2ul, 3, 4], frames.Select(f => ((JobEventMessage)f.Message).Sequence));
        Assert.Equal(["started", "layer", "completed"], frames.Select(f => ProtocolVectors.ToNode(f.Message)["type"]!.GetValue<string>()));
    }
}
