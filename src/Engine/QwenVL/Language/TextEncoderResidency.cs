using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>Where the text encoder goes when <see cref="PromptEncoder.ReleaseEncoder"/> is called after encoding.</summary>
public enum TextEncoderResidency
{
    /// <summary>Stays on the compute device: fastest for new prompts, costs ~16.6 GB of device memory in bf16 at 7B.</summary>
    KeepOnDevice,

    /// <summary>Moves to host memory and back on the next new prompt (a host-to-device copy instead of a disk load).</summary>
    MoveToCpu,

    /// <summary>Disposed; the next new prompt loads it from disk again. For machines short of host and device memory.</summary>
    Unload,
}
