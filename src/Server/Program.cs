using System.CommandLine;
using QwenLayered.Engine.Runtime;
using QwenLayered.Server.Cli;

// First, before libtorch allocates: glibc keeps freed tensor memory for reuse (see GlibcMalloc).
GlibcMalloc.Apply();
// Before any torch call: on a machine whose libtorch comes from elsewhere (see TorchNativePreload).
TorchNativePreload.FromEnvironment();
var root = new RootCommand("QwenLayered: decompose one flat image into editable RGBA layers.")
{
    ServeCommand.Create(),
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
return await root.Parse(args).InvokeAsync();
