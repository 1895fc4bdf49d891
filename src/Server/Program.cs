using System.CommandLine;
using QwenLayered.Server.Cli;

var root = new RootCommand("QwenLayered: decompose one flat image into editable RGBA layers.")
{
    ServeCommand.Create(),
    InfoCommand.Create(),
    DecomposeCommand.Create(),
    VerifyCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
