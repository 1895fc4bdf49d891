namespace QwenLayered.Engine.Imaging;

/// <summary>An input image that cannot be used; the message says what is wrong and what to send instead.</summary>
public sealed class InvalidImageException(string message, Exception? inner = null) : Exception(message, inner);
