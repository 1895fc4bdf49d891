using System.Diagnostics;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using QwenLayered.Server.Tests.Serving;

namespace QwenLayered.Server.Tests.EndToEnd;

/// <summary>
/// What an artist runs, as processes on loopback: <c>qwenlayered serve</c> on the tiny model at a 64x64 working size,
/// with an API token, and <c>qwenlayered-bridge</c> relaying to its gRPC port with that token.
/// </summary>
public sealed class PanelStack(TinyModelFolder model) : IAsyncLifetime
{
    public const string Token = "panel-e2e-token";

    private readonly TempResultsFolder _results = new();
    private readonly List<Process> _processes = [];
    private readonly StringBuilder _output = new();

    public int GrpcPort { get; } = FreePort.Next();
    public int HttpPort { get; } = FreePort.Next();
    public int ProxyPort { get; } = FreePort.Next();

    /// <summary>What both processes printed so far, for a failing test's message.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async ValueTask InitializeAsync()
    {
        var server = Start("qwenlayered", $"serve --model {model.Path} --grpc-port {GrpcPort} --http-port {HttpPort} --device cpu --dtype fp32 " +
            $"--Engine:WorkingArea={64 * 64} --Limits:MaxSteps=1000 --Jobs:ResultsFolder={_results.Path} " +
            $"--Auth:Tokens:0:Token={Token} --Auth:Tokens:0:Artist=panel");
        using (var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}"))
            await BuiltExecutables.WaitUntilServingAsync(new Health.HealthClient(channel), server);

        var proxy = Start("qwenlayered-bridge", $"--server http://127.0.0.1:{GrpcPort} --token {Token} --port {ProxyPort}");
        await WaitForStatusPageAsync(proxy);
    }

    private Process Start(string name, string arguments)
    {
        var process = BuiltExecutables.Start(name, arguments);
        _processes.Add(process);
        // Read stdout as it comes: a full pipe would block the process's logging, and with it the process.
        process.OutputDataReceived += (_, line) =>
        {
            lock (_output) _output.AppendLine($"{name}: {line.Data}");
        };
        process.BeginOutputReadLine();
        return process;
    }

    private async Task WaitForStatusPageAsync(Process proxy)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                (await http.GetAsync($"http://127.0.0.1:{ProxyPort}/", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !proxy.HasExited)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException) when (proxy.HasExited)
            {
                Assert.Fail($"qwenlayered-bridge exited with {proxy.ExitCode}: {await proxy.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        _results.Dispose();
    }
}
