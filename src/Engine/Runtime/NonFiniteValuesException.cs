namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Numbers that must be finite became NaN or infinite: a training loss, gradients or weights, or a decomposition's
/// latents or pixels. The work stops there rather than save or return them; the message says where it happened and
/// what was kept.
/// </summary>
public sealed class NonFiniteValuesException(string message) : Exception(message);
