namespace QwenLayered.Engine.Memory;

/// <summary>Where the model's weights live while it serves; <see cref="MemoryModes"/> holds the rules for each.</summary>
public enum MemoryMode
{
    /// <summary>Everything on the device: fastest, needs the most device memory.</summary>
    Resident,

    /// <summary>The transformer resident; the text encoder moves to host memory between prompts.</summary>
    TextOffload,

    /// <summary>The transformer's block weights as int8 with per-channel scales (half of bf16); the text encoder offloaded.</summary>
    Quantized,

    /// <summary>The transformer's blocks in host memory, copied to the device one at a time; the text encoder offloaded.</summary>
    Streamed,
}
