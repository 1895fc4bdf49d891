namespace QwenLayered.Engine.Transformer;

/// <summary>How a transformer's blocks hold their weights (see <see cref="TransformerLayout"/>).</summary>
public enum BlockWeights
{
    /// <summary>On the compute device, in the compute dtype.</summary>
    Dense,

    /// <summary>On the compute device; linear layers as int8 with per-channel scales.</summary>
    Int8,

    /// <summary>In host memory, streamed through two blocks on the device.</summary>
    Host,
}
