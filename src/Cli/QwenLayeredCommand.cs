using System.CommandLine;
using QwenLayered.CommandLine;

namespace QwenLayered.Cli;

/// <summary>
/// The <c>qwenlayered</c> command line: every verb, parsed and run as the executable runs them. Program.cs calls it with
/// the console; the tests call it with writers of their own, in their process.
/// </summary>
internal static class QwenLayeredCommand
{
    /// <param name="output">Where the verbs write what they report (default: the console's standard output). Serve's host logs
    /// to the console whatever is given.</param>
    /// <param name="error">Where failures are written (default: the console's standard error).</param>
    /// <returns>The exit code.</returns>
    public static Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        var serve = ServeCommand.Create();
        var root = new RootCommand("QwenLayered: decompose one flat image into editable RGBA layers.")
        {
            serve,
            InfoCommand.Create(),
            DecomposeCommand.Create(),
            VerifyCommand.Create(),
            BenchCommand.Create(),
            TrainCommand.Create(),
            ScenesCommand.Create(),
            EvalCommand.Create(),
            ImportPsdCommand.Create(),
            ExportCommand.Create(),
            PlanCommand.Create(),
        };
        // The name the verbs' one-line failures and help start with, also where the tests run them in their own process.
        root.HelpName = "qwenlayered";
        return CommandLineEdge.InvokeAsync(root, args, UserErrors.Describe, parsed =>
        {
            var configuration = new InvocationConfiguration { Output = output ?? Console.Out, Error = error ?? Console.Error };
            // The server's host owns SIGTERM and Ctrl+C: it drains running jobs for Jobs:ShutdownDrainTimeout, where
            // System.CommandLine would end the process 2 s after the signal, under a running job. Every other verb is
            // cancelled through System.CommandLine.
            if (parsed.CommandResult.Command == serve) configuration.ProcessTerminationTimeout = null;
            return configuration;
        });
    }
}
