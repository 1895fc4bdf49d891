using Microsoft.Extensions.Logging;

namespace QwenLayered.Server.Tests;

/// <summary>Keeps every line logged through the logger factory it is added to, whatever the category, to check what a server logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ListLogger<ListLoggerProvider> _logger = new();

    /// <summary>The messages logged so far, in order.</summary>
    public IReadOnlyList<string> Messages
    {
        get { lock (_logger.Lines) return [.. _logger.Lines.Select(line => line.Message)]; }
    }

    public ILogger CreateLogger(string categoryName) => _logger;

    public void Dispose() { }
}
