using Microsoft.Extensions.Logging;
using TorchSharp;

namespace QwenLayered.Engine.Runtime;

/// <summary>Chooses the torch device the engine computes on and says which in the log.</summary>
public static partial class ComputeDevice
{
    /// <summary>Resolves "auto", "cpu", "cuda" or "cuda:N" against what this machine offers and logs the choice.</summary>
    public static torch.Device Select(string requested, ILogger logger)
    {
        int cudaDevices = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        string name = Resolve(requested, cudaDevices);
        LogSelected(logger, name, requested, cudaDevices);
        // Every program chooses its device before its first convolution.
        if (Nnpack.TurnOffWhereUnsupported()) LogNnpackOff(logger);
        return torch.device(name);
    }

    /// <summary>The device name for a request, given how many CUDA devices are usable.</summary>
    /// <exception cref="ComputeDeviceException">The name is unknown, or names a device this machine does not have.</exception>
    public static string Resolve(string requested, int cudaDevices)
    {
        string wanted = requested.Trim().ToLowerInvariant();
        if (wanted is "" or "auto") return cudaDevices > 0 ? "cuda:0" : "cpu";
        if (wanted == "cpu") return "cpu";
        if (wanted == "cuda") wanted = "cuda:0";
        if (!wanted.StartsWith("cuda:", StringComparison.Ordinal) || !int.TryParse(wanted[5..], out int index) || index < 0)
            throw new ComputeDeviceException($"Unknown device '{requested}'. Use auto, cpu, cuda or cuda:N.");
        if (cudaDevices == 0)
            throw new ComputeDeviceException(
                $"Device '{requested}' was requested but no CUDA device is usable. Build with -p:TorchBackend=cuda " +
                "on a machine with an NVIDIA driver, or choose --device cpu.");
        if (index >= cudaDevices)
            throw new ComputeDeviceException(
                $"Device '{requested}' does not exist: this machine has {cudaDevices} CUDA device(s), cuda:0 to cuda:{cudaDevices - 1}.");
        return wanted;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Engine computes on {Device} (requested '{Requested}', CUDA devices usable: {CudaDevices})")]
    private static partial void LogSelected(ILogger logger, string device, string requested, int cudaDevices);

    [LoggerMessage(Level = LogLevel.Debug, Message = "NNPACK cannot run on this CPU; libtorch convolves without it")]
    private static partial void LogNnpackOff(ILogger logger);
}
