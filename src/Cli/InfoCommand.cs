using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.Engine.Runtime;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Cli;

/// <summary><c>qwenlayered info</c>: what this build is and which device the engine would use here.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var command = new Command("info", "Print the version, the contract, the libtorch build and the compute device.") { device };
        command.SetAction(result =>
        {
            var selected = ComputeDevice.Select(result.GetValue(device)!, NullLogger.Instance);
            var output = result.InvocationConfiguration.Output;
            output.WriteLine($"qwenlayered {ServerVersion.Current}");
            output.WriteLine($"contract    {ServerVersion.Contract}");
            output.WriteLine($"torch       {TorchRuntime.Description}");
            output.WriteLine($"device      {selected}");
            output.WriteLine($"allocator   {GlibcMalloc.Summary}");
            output.WriteLine($"openmp      {OpenMpWaitPolicy.Summary}");
            return 0;
        });
        return command;
    }
}
