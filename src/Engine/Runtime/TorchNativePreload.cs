using System.Runtime.InteropServices;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Lets a build without a libtorch package run on another libtorch, such as the one inside a pip PyTorch install
/// (the GPU machine has no .NET and no CUDA libtorch package): with <c>QWENLAYERED_TORCH_LIB</c> set to that
/// <c>torch/lib</c> folder, its libtorch (and libtorch_cuda when present) is loaded by full path before the first torch
/// call, then the TorchSharp shim, so TorchSharp's own loader finds them already loaded by name.
/// </summary>
public static class TorchNativePreload
{
    public const string Variable = "QWENLAYERED_TORCH_LIB";

    /// <summary>Preloads when the variable is set; returns the folder used, or null. Throws naming the library that failed.</summary>
    public static string? FromEnvironment()
    {
        string? folder = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(folder)) return null;
        Load(Path.Combine(folder, "libtorch.so"));
        string cuda = Path.Combine(folder, "libtorch_cuda.so");
        if (File.Exists(cuda)) Load(cuda);
        Load(Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so"));
        return folder;
    }

    private static void Load(string path)
    {
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException error)
        {
            throw new DllNotFoundException($"{Variable}: could not load {path}: {error.Message}", error);
        }
    }
}
