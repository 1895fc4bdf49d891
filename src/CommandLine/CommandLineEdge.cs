using System.CommandLine;
using System.CommandLine.Invocation;

namespace QwenLayered.CommandLine;

/// <summary>
/// Where a run of qwenlayered or qwenlayered-bridge ends. Arguments that do not parse get System.CommandLine's own
/// error lines; a failure the user can fix (a <see cref="UserErrorException"/>, or a domain error the program's
/// <c>describe</c> recognises) gets one line, "program command: message"; both exit with <see cref="UserErrorExitCode"/>.
/// A run cancelled with Ctrl+C says so and exits with <see cref="CancelledExitCode"/>, as System.CommandLine does when
/// an action outlasts its grace period. Any other exception is a bug and keeps System.CommandLine's stack trace (exit code 1).
/// </summary>
public static class CommandLineEdge
{
    public const int UserErrorExitCode = 2;

    public const int CancelledExitCode = 130;

    /// <param name="describe">The one-line message for a domain error the user can fix; null for anything else.</param>
    /// <param name="configure">How the parsed command runs (where output goes, how a signal ends it); System.CommandLine's defaults unless given.</param>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, Func<Exception, string?> describe,
        Func<ParseResult, InvocationConfiguration>? configure = null)
    {
        foreach (var command in CommandsUnder(root))
            if (command.Action is { } action) command.Action = new TranslatingAction(action, Name(root, command), describe);
        var parse = root.Parse(args);
        int exitCode = await parse.InvokeAsync(configure?.Invoke(parse));
        return parse.Action is ParseErrorAction ? UserErrorExitCode : exitCode;
    }

    private static IEnumerable<Command> CommandsUnder(Command command) => command.Subcommands.SelectMany(CommandsUnder).Prepend(command);

    // The program's name as its help shows it: the root's HelpName where set, which holds also when the command line runs
    // inside another process (a test's), else the executable's.
    private static string Name(RootCommand root, Command command)
    {
        string program = root.HelpName ?? root.Name;
        return command == root ? program : $"{program} {command.Name}";
    }

    /// <summary>Runs a command's own action and turns the failures the user can fix into their one line.</summary>
    private sealed class TranslatingAction(CommandLineAction inner, string name, Func<Exception, string?> describe) : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            try
            {
                return inner switch
                {
                    AsynchronousCommandLineAction action => await action.InvokeAsync(parseResult, cancellationToken),
                    SynchronousCommandLineAction action => action.Invoke(parseResult),
                    _ => throw new InvalidOperationException($"{inner.GetType()} is neither a synchronous nor an asynchronous action."),
                };
            }
            catch (Exception error) when (((error as UserErrorException)?.Message ?? describe(error)) is { } message)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"{name}: {message}");
                return UserErrorExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"{name}: cancelled.");
                return CancelledExitCode;
            }
        }
    }
}
