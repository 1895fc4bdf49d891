namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Models that take turns on the compute device where they would not fit together (the transformer and the text encoder in
/// the text-offload and quantized memory modes): the one about to run takes the turn, and the
/// one that had it leaves for host memory first. The device then holds the larger of them, never both: the published
/// transformer (38 GiB in bf16) and text encoder (15.5 GiB) fit 48 GiB this way, and 24 GiB with the transformer quantized.
/// Each swap moves both models over the bus, so it is for cards the models do not fit together.
/// </summary>
public sealed class DeviceTurns
{
    private readonly Lock _gate = new();
    private IDeviceTenant? _holder;

    /// <summary>The tenant that took the turn last; the others are in host memory.</summary>
    public IDeviceTenant? Holder
    {
        get { lock (_gate) return _holder; }
    }

    /// <summary>Gives <paramref name="tenant"/> the turn before it comes onto the device: the holder leaves first.</summary>
    public void Take(IDeviceTenant tenant)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_holder, tenant)) return;
            _holder?.LeaveDevice();
            _holder = tenant;
        }
    }
}
