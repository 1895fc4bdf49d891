using TorchSharp;

namespace QwenLayered.Engine.Runtime;

/// <summary>Waits for queued device work, so a host clock read afterwards measures finished work.</summary>
internal static class DeviceSync
{
    /// <summary>Blocks until <paramref name="device"/> has finished its queued work; a no-op on the CPU, which runs eagerly.</summary>
    public static void Wait(torch.Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
