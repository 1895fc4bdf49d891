using QwenLayered.CommandLine;
using QwenLayered.Engine.Imaging;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Weights;
using QwenLayered.Server.Hosting;

namespace QwenLayered.Cli;

/// <summary>The domain errors that mean the user must change something: a qwenlayered command reports them in one line.</summary>
internal static class UserErrors
{
    /// <summary>The error's one-line message; null when the error is not one of these (a bug, which keeps its stack trace).</summary>
    public static string? Describe(Exception error) => error switch
    {
        ServerConfigurationException or ModelFolderException or WeightFileException or InvalidImageException or ComputeDeviceException
            or NonFiniteValuesException => error.Message,
        _ => HostStartup.PortInUse(error, "--grpc-port and --http-port"),
    };
}
