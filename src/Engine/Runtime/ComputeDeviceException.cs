namespace QwenLayered.Engine.Runtime;

/// <summary>A device was asked for that this machine does not have; the message says which ones it has or how to get one.</summary>
public sealed class ComputeDeviceException(string message) : Exception(message);
