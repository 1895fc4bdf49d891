namespace QwenLayered.CommandLine;

/// <summary>
/// A failure the user can fix (a wrong path, a bad file, a setting to change), not a bug. Its message says what was
/// wrong and what to do, in one line; <see cref="CommandLineEdge"/> prints it and exits with code 2.
/// </summary>
public sealed class UserErrorException(string message, Exception? inner = null) : Exception(message, inner);
