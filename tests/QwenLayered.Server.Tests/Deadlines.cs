namespace QwenLayered.Server.Tests;

/// <summary>
/// How long a test waits for a process, a model or a client before it calls the run hung. Minutes, not seconds: on a
/// loaded 2-core machine everything can take many times as long as on an idle one, and no test may fail for being slow.
/// </summary>
internal static class Deadlines
{
    public static readonly TimeSpan Hung = TimeSpan.FromMinutes(5);
}
