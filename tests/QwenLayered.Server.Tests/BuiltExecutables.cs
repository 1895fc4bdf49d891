using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;

namespace QwenLayered.Server.Tests;

/// <summary>The executables built beside the tests (qwenlayered, qwenlayered-bridge), started as a user would.</summary>
internal static class BuiltExecutables
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <param name="environment">Variables to set for the process on top of the test's own.</param>
    public static Process Start(string name, string arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, name), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var (variable, value) in environment ?? new Dictionary<string, string>())
            start.Environment[variable] = value;
        return Process.Start(start)!;
    }

    /// <summary>Runs a command to its end, reading both streams at once so neither pipe can fill and stall it.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string name, string arguments,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(name, arguments, environment);
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.WaitForExitAsync(Cancellation);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Polls until the server answers (it starts in a second or two), or fails with what it printed.</summary>
    public static async Task<HealthCheckResponse> WaitForHealthAsync(Health.HealthClient health, Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: Cancellation);
            }
            catch (RpcException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(100, Cancellation);
            }
            catch (RpcException) when (server.HasExited)
            {
                Assert.Fail($"{server.StartInfo.FileName} exited with {server.ExitCode}: {await server.StandardError.ReadToEndAsync(Cancellation)}");
            }
        }
    }

    /// <summary>Polls until the server has loaded its model and says Serving; fails after a minute rather than hang.</summary>
    public static async Task WaitUntilServingAsync(Health.HealthClient health, Process server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while ((await WaitForHealthAsync(health, server)).Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{server.StartInfo.FileName} did not load a model within a minute.");
            await Task.Delay(100, Cancellation);
        }
    }
}
