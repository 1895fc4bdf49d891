using System.Diagnostics;

namespace QwenLayered.Server.Tests;

/// <summary>The executables built beside the tests (qwenlayered, qwenlayered-bridge), started as a user would.</summary>
internal static class BuiltExecutables
{
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

    /// <summary>
    /// Runs a command to its end, reading both streams at once so neither pipe can fill and stall it. A command that
    /// should fail at once but runs on (a server that started after all) fails the test after <paramref name="limit"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string name, string arguments, TimeSpan? limit = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var process = Start(name, arguments, environment);
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(limit ?? Deadlines.Hung);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(hung.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"{name} {arguments} still ran after {limit ?? Deadlines.Hung}:\n{await error}\n{await output}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
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
}
