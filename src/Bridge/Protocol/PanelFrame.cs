namespace QwenLayered.Bridge.Protocol;

/// <summary>A decoded WebSocket message: the protocol message and, for binary frames, the image bytes after it.</summary>
public readonly record struct PanelFrame(PanelMessage Message, ReadOnlyMemory<byte> Payload);

/// <summary>A frame that does not follow the protocol; the bridge answers it with a bad_frame error and carries on.</summary>
public sealed class PanelFrameException(string message, Exception? inner = null) : Exception(message, inner);
