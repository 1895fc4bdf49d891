using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace QwenLayered.Bridge.Tests;

/// <summary>Runs the built <c>qwenlayered-bridge</c> as an artist would start it.</summary>
public class BridgeProxyCommandTests
{
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "qwenlayered-bridge"), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }

    [Theory]
    [InlineData("ftp://gpu-box:50051")]
    [InlineData("gpu-box:50051")]
    public async Task Server_NotAnHttpAddress_IsRefusedWithAnExample(string address)
    {
        var run = await RunAsync($"--server {address}");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--server must be an http:// or https:// address, such as https://gpu-box:50051", run.Error);
    }

    [Fact]
    public async Task Server_Missing_IsRequired()
    {
        var run = await RunAsync("--token abc");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--server", run.Error);
    }

    [Fact]
    public async Task Port_InUse_IsOneLineNamingTheAddressAndTheFlag()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var run = await RunAsync($"--server http://127.0.0.1:1 --port {port}");

        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(run.ExitCode == 2 && lines.Length == 1, $"exit code {run.ExitCode}, stderr:\n{run.Error}\nstdout:\n{run.Output}");
        Assert.StartsWith("qwenlayered-bridge: ", lines[0]);
        Assert.Contains($"127.0.0.1:{port}", lines[0]);
        Assert.Contains("--port", lines[0]);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
    }
}
