namespace QwenLayered.Engine.Runtime;

/// <summary>A model that holds weights on the compute device and can leave it for host memory when another takes its turn
/// (<see cref="DeviceTurns"/>); it comes back by itself the next time it runs.</summary>
public interface IDeviceTenant
{
    /// <summary>Moves the weights to host memory (or unloads them), freeing the device; a no-op when they are not there.</summary>
    void LeaveDevice();
}
