using System.Text.RegularExpressions;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// What an artist runs, as processes on loopback: <c>qwenlayered serve</c> on the tiny model at a 64x64 working size,
/// with an API token, and <c>qwenlayered-bridge</c> relaying to its gRPC port with that token. Both take free ports.
/// </summary>
public sealed class PanelStack(TinyModelFolder model) : IAsyncLifetime
{
    public const string Token = "panel-e2e-token";

    // ASP.NET Core's own startup line, which the bridge prints once it listens on its one port.
    private static readonly Regex BridgeListening = new(@"Now listening on: http://127\.0\.0\.1:(?<port>\d+)");

    private readonly TempResultsFolder _results = new();
    private ServeProcess? _server;
    private RunningExecutable? _bridge;

    /// <summary>The server's own HTTP/1.1 port, with its panel endpoint.</summary>
    public int HttpPort => _server!.HttpPort;

    /// <summary>The bridge's port.</summary>
    public int ProxyPort { get; private set; }

    /// <summary>What both processes printed so far, for a failing test's message.</summary>
    public string Output => $"{_server?.Output}\n{_bridge?.Output}";

    public async ValueTask InitializeAsync()
    {
        _server = await ServeProcess.StartAsync($"--model {model.Path} --device cpu --dtype fp32 " +
            $"--Engine:WorkingArea={64 * 64} --Limits:MaxSteps=1000 --Jobs:ResultsFolder={_results.Path} " +
            $"--Auth:Tokens:0:Token={Token} --Auth:Tokens:0:Artist=panel");
        await _server.WaitUntilServingAsync();

        _bridge = RunningExecutable.Start("qwenlayered-bridge", $"--server {_server.GrpcAddress} --token {Token} --port 0");
        ProxyPort = int.Parse((await _bridge.WaitForLineAsync(BridgeListening)).Groups["port"].Value);
    }

    public async ValueTask DisposeAsync()
    {
        if (_bridge is not null) await _bridge.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        _results.Dispose();
    }
}
