using System.Diagnostics;

namespace QwenLayered.Server.Tests;

/// <summary>The executables built beside the tests (qwenlayered, qwenlayered-bridge), started as a user would.</summary>
internal static class BuiltExecutables
{
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

    /// <summary>Runs a command to its end, reading both streams at once so neither pipe can fill and stall it.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string name, string arguments)
    {
        using var process = Start(name, arguments);
        using var hung = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        hung.CancelAfter(Deadlines.Hung);
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(hung.Token);
            var error = process.StandardError.ReadToEndAsync(hung.Token);
            await process.WaitForExitAsync(hung.Token);
            return (process.ExitCode, await output, await error);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
