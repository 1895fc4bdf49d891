using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace QwenLayered.CommandLine;

/// <summary>How a web host that cannot start reads on the command line.</summary>
public static class HostStartup
{
    /// <summary>
    /// The host logs a failed start with its stack trace and then throws it, and <see cref="CommandLineEdge"/> reports it
    /// in one line, so the log entry is left out. The host's critical messages (a background service that stops it) stay.
    /// </summary>
    public static ILoggingBuilder LeaveFailedStartToTheCommandLine(this ILoggingBuilder logging) =>
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    /// <summary>Kestrel's "Failed to bind to address …: address already in use." and what to do about it; null for any other error.</summary>
    /// <param name="portOptions">The flags that choose other ports, for example "--port".</param>
    public static string? PortInUse(Exception error, string portOptions) =>
        error is IOException { InnerException: AddressInUseException }
            ? $"{error.Message} Another program is listening there: stop it, or choose another port with {portOptions}."
            : null;
}
