namespace QwenLayered.Engine.QwenVL.Language;

/// <summary>Where the language model goes when <see cref="ResidentLanguageModel.Release"/> is called after encoding.</summary>
public enum TextEncoderResidency
{
    /// <summary>Stays on the compute device: fastest for new prompts, costs ~14.1 GB of device memory in bf16 at 7B (16.6 GB with the captioner's vision tower and lm_head).</summary>
    KeepOnDevice,

    /// <summary>Moves to host memory and back on the next new prompt (a host-to-device copy instead of a disk load).</summary>
    MoveToCpu,

    /// <summary>Disposed; the next new prompt loads it from disk again. For machines short of host and device memory.</summary>
    Unload,
}
