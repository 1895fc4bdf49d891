namespace QwenLayered.Engine.Runtime;

/// <summary>This process's resident memory as Linux reports it in <c>/proc/self/status</c>.</summary>
public static class HostMemory
{
    /// <summary>Peak resident set size (VmHWM) in bytes since the process started; null where /proc is not available.</summary>
    public static long? PeakResidentBytes() => StatusKilobytes("VmHWM:") * 1024;

    /// <summary>Starts the peak (<see cref="PeakResidentBytes"/>) again from the current resident size; false where Linux does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            // Writing 5 resets VmHWM to the current resident size (Linux 4.0 and later).
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Current resident set size (VmRSS) in bytes.</summary>
    public static long? ResidentBytes() => StatusKilobytes("VmRSS:") * 1024;

    private static long? StatusKilobytes(string field)
    {
        const string Status = "/proc/self/status";
        if (!File.Exists(Status)) return null;
        var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
