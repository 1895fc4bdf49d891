using System.Runtime.InteropServices;
using TorchSharp;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Keeps libtorch quiet about NNPACK on CPUs that NNPACK does not support. Before a float32 convolution on the CPU,
/// libtorch 2.10 asks whether NNPACK is available, and where NNPACK failed to initialise it writes "Could not
/// initialize NNPACK! Reason: Unsupported hardware." to stderr every time (89 lines for one decomposition with the
/// demo model), then convolves without it. Turning NNPACK off in libtorch there changes no result, since libtorch
/// could not use it anyway, and silences that line alone: every other libtorch warning still reaches stderr. Where
/// NNPACK works it stays on.
/// </summary>
internal static class Nnpack
{
    private const int ErrorLogLevel = 2; // c10's levels: 0 info, 1 warning, 2 error

    private static readonly Lazy<bool> TurnedOff = new(TurnOffIfUnsupported);

    /// <summary>Turns NNPACK off in libtorch if it cannot run on this CPU (once; later calls repeat the answer); true if it did.</summary>
    public static bool TurnOffWhereUnsupported() => TurnedOff.Value;

    // libtorch exports no C function for any of this, so its C++ functions and c10's log level are reached by their
    // exported names (a member function takes its object first). A libtorch without them (not Linux, another build)
    // is left as it is.
    private static unsafe bool TurnOffIfUnsupported()
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        if (!NativeLibrary.TryLoad("libc10.so", out var c10)
            || !NativeLibrary.TryGetExport(c10, "FLAGS_caffe2_log_level", out var logLevel)
            || !NativeLibrary.TryLoad("libtorch_cpu.so", out var libtorch)
            || !NativeLibrary.TryGetExport(libtorch, "_ZN2at6native17_nnpack_availableEv", out var available)
            || !NativeLibrary.TryGetExport(libtorch, "_ZN2at13globalContextEv", out var globalContext)
            || !NativeLibrary.TryGetExport(libtorch, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setUserEnabled))
            return false;
        // libtorch's own check, which initialises NNPACK as a convolution would, with warnings held back for the
        // moment so that the line it writes on failure stays out too. Nothing else runs libtorch yet: every program
        // chooses its device first.
        int* level = (int*)logLevel;
        int previous = *level;
        *level = Math.Max(previous, ErrorLogLevel);
        bool usable;
        try
        {
            usable = ((delegate* unmanaged<byte>)available)() != 0;
        }
        finally
        {
            *level = previous;
        }
        if (usable) return false;
        nint context = ((delegate* unmanaged<nint>)globalContext)();
        ((delegate* unmanaged<nint, byte, void>)setUserEnabled)(context, 0);
        return true;
    }
}
