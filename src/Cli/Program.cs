using System.CommandLine;
using QwenLayered.Cli;
using QwenLayered.CommandLine;
using QwenLayered.Engine.Runtime;

// First, before libtorch allocates: glibc keeps freed tensor memory for reuse (see GlibcMalloc).
GlibcMalloc.Apply();
// Before any torch call: on a machine whose libtorch comes from elsewhere (see TorchNativePreload).
TorchNativePreload.FromEnvironment();
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
};
// The server's host owns SIGTERM and Ctrl+C: it drains running jobs for Jobs:ShutdownDrainTimeout, where System.CommandLine
// would end the process 2 s after the signal, under a running job. Every other verb is cancelled through System.CommandLine.
return await CommandLineEdge.InvokeAsync(root, args, UserErrors.Describe,
    parsed => parsed.CommandResult.Command == serve ? new InvocationConfiguration { ProcessTerminationTimeout = null } : new());
