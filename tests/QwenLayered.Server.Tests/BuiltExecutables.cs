using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;

namespace QwenLayered.Server.Tests;

/// <summary>The executables built beside the tests (qwenlayered, qwenlayered-bridge), started as a user would.</summary>
internal static class BuiltExecutables
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static Process Start(string name, string arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, name), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        return Process.Start(start)!;
    }

    /// <summary>
    /// Runs a command to its end, reading both streams at once so neither pipe can fill and stall it. A command that
    /// should fail at once, but runs on (a server that started after all), is ended after <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string name, string arguments, TimeSpan? limit = null)
    {
        using var process = Start(name, arguments);
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        if (limit is { } time) deadline.CancelAfter(time);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Cancellation);
            Assert.Fail($"{name} {arguments} still ran after {limit}:\n{await error}\n{await output}");
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>
    /// An expected failure as a user should see it: exit code 2 and one line on stderr, from the program, naming the cause
    /// (<paramref name="words"/>), and no stack trace anywhere.
    /// </summary>
    public static void AssertOneLineFailure((int ExitCode, string Output, string Error) run, params string[] words)
    {
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(run.ExitCode == 2 && lines.Length == 1, $"exit code {run.ExitCode}, stderr:\n{run.Error}\nstdout:\n{run.Output}");
        Assert.StartsWith("qwenlayered", lines[0]);
        foreach (var word in words) Assert.Contains(word, lines[0]);
        Assert.DoesNotContain("   at ", run.Output + run.Error);
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
