namespace QwenLayered.Server.Hosting;

/// <summary>A configuration the server will not start with; the message says what to change.</summary>
public sealed class ServerConfigurationException(string message) : Exception(message);
