using QwenLayered.Cli;

namespace QwenLayered.Server.Tests;

/// <summary>
/// Runs a <c>qwenlayered</c> command in the test's own process, through the code the executable runs, with its output
/// and errors captured: for tests of what a verb does, without a process start, a libtorch load and a JIT each. It
/// shares the test process's environment, working directory and signals, so paths are absolute and tests about
/// those run the built executable (<see cref="BuiltExecutables"/>).
/// </summary>
internal static class InProcessCli
{
    /// <summary>Runs the command to its end; one still running after <see cref="Deadlines.Hung"/> fails the test.</summary>
    /// <returns>What <see cref="BuiltExecutables.RunAsync"/> returns for the same command.</returns>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        // Verbs that only compute run synchronously until they return: off the test's thread, so the deadline holds.
        var run = Task.Run(() => QwenLayeredCommand.RunAsync(args, TextWriter.Synchronized(output), TextWriter.Synchronized(error)));
        try
        {
            int exitCode = await run.WaitAsync(Deadlines.Hung, TestContext.Current.CancellationToken);
            return (exitCode, output.ToString(), error.ToString());
        }
        catch (TimeoutException hung)
        {
            throw new TimeoutException($"qwenlayered {string.Join(' ', args)} still ran after {Deadlines.Hung}:\n{error}\n{output}", hung);
        }
    }
}
