using System.Runtime.InteropServices;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Lets libtorch's OpenMP threads sleep when a parallel region ends instead of spinning for work. GNU OpenMP, which the
/// CPU libtorch ships, spins by default; where the cores are shared (a workstation running Photoshop, several jobs or
/// processes at once) the spinning threads take the cores the working ones need: a demo decomposition on a busy
/// 2-core machine took 13 s of CPU spinning against 2 s passive (docs/benchmarks.md). libgomp reads the variable once,
/// when it is loaded with libtorch, so it is set in the process's own environment before the first torch call.
/// </summary>
public static partial class OpenMpWaitPolicy
{
    public const string Variable = "OMP_WAIT_POLICY";

    private const string Passive = "PASSIVE";

    /// <summary>Whether <see cref="Apply"/> set the policy in this process (false when the user had set it).</summary>
    public static bool Applied { get; private set; }

    /// <summary>
    /// Sets <see cref="Variable"/> to PASSIVE in the native environment on Linux, unless the user set it; elsewhere does
    /// nothing. Call it before the first torch call.
    /// </summary>
    public static void Apply()
    {
        if (!OperatingSystem.IsLinux() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        Applied = setenv(Variable, Passive, overwrite: 1) == 0;
    }

    /// <summary>For <c>qwenlayered info</c>: the policy libtorch's threads run under, and who chose it.</summary>
    public static string Summary => Applied
        ? "passive wait"
        : Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen
            ? $"{Variable}={chosen} from the environment"
            : "the OpenMP default";

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
