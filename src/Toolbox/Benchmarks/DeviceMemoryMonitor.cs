using System.Runtime.InteropServices;

namespace QwenLayered.Toolbox.Benchmarks;

/// <summary>
/// Peak memory in use on one NVIDIA GPU, sampled every few milliseconds through NVML (the driver's management library).
/// TorchSharp 0.107 exposes none of torch.cuda's memory statistics, so this counts what the device reports as used:
/// the CUDA context plus everything the caching allocator holds (its reserved memory), which is what must fit.
/// </summary>
public sealed partial class DeviceMemoryMonitor : IDisposable
{
    private const string Nvml = "libnvidia-ml.so.1";
    private readonly nint _device;
    private readonly Thread _sampler;
    private volatile bool _stopped;
    private long _peakUsed;

    private DeviceMemoryMonitor(nint device, string name, long baseline)
    {
        _device = device;
        Name = name;
        BaselineUsedBytes = baseline;
        _peakUsed = baseline;
        _sampler = new Thread(Sample) { IsBackground = true, Name = "device-memory-monitor" };
        _sampler.Start();
    }

    /// <summary>The GPU's name, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string Name { get; }

    /// <summary>Memory in use when monitoring started (other processes and, if created, this one's context).</summary>
    public long BaselineUsedBytes { get; }

    public long PeakUsedBytes => Interlocked.Read(ref _peakUsed);

    /// <summary>Starts monitoring GPU <paramref name="index"/>; null when NVML is not available (no NVIDIA driver).</summary>
    public static DeviceMemoryMonitor? TryStart(int index)
    {
        try
        {
            if (nvmlInit_v2() != 0 || nvmlDeviceGetHandleByIndex_v2((uint)index, out var device) != 0) return null;
            var name = new byte[96];
            string text = nvmlDeviceGetName(device, name, (uint)name.Length) == 0 ? System.Text.Encoding.ASCII.GetString(name).TrimEnd('\0') : "?";
            return nvmlDeviceGetMemoryInfo(device, out var memory) == 0 ? new DeviceMemoryMonitor(device, text, (long)memory.Used) : null;
        }
        catch (DllNotFoundException)
        {
            return null;
        }
    }

    private void Sample()
    {
        while (!_stopped)
        {
            if (nvmlDeviceGetMemoryInfo(_device, out var memory) == 0 && (long)memory.Used > Interlocked.Read(ref _peakUsed))
                Interlocked.Exchange(ref _peakUsed, (long)memory.Used);
            Thread.Sleep(5);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _sampler.Join();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NvmlMemory
    {
        public ulong Total;
        public ulong Free;
        public ulong Used;
    }

    [LibraryImport(Nvml)]
    private static partial int nvmlInit_v2();

    [LibraryImport(Nvml)]
    private static partial int nvmlDeviceGetHandleByIndex_v2(uint index, out nint device);

    [LibraryImport(Nvml)]
    private static partial int nvmlDeviceGetName(nint device, [Out] byte[] name, uint length);

    [LibraryImport(Nvml)]
    private static partial int nvmlDeviceGetMemoryInfo(nint device, out NvmlMemory memory);
}
