using System.Runtime.InteropServices;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Sets glibc's allocator, which holds libtorch's CPU tensors, to keep freed memory for reuse. By default glibc maps
/// each block above 32 MiB (at first above 128 KiB) fresh from the kernel and unmaps it when freed, and soon gives
/// the free top of the heap back, so every sampling step faults its temporaries in again page by page (a 640 px VAE
/// decode of the small configuration: 40–157k page faults each time). With no block mapped on its own
/// (mmap_threshold) and no free top given back (trim_threshold), a step reuses the pages of the step before (21–34
/// faults). The peak stays what a decomposition needs at once; a server gives the free pages back after each job
/// (<see cref="ReleaseFreeMemory"/>). docs/benchmarks.md has the figures.
/// </summary>
public static partial class GlibcMalloc
{
    private const string Library = "libc.so.6";

    private static readonly Lazy<bool> OnGlibc = new(() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad(Library, out var libc) && NativeLibrary.TryGetExport(libc, "mallopt", out _));

    /// <summary>
    /// What <see cref="Apply"/> sets, each unless the user set it in the environment. 2 GiB − 1 is the most mallopt
    /// takes; a larger block is still mapped on its own.
    /// </summary>
    public static IReadOnlyList<MallocSetting> Settings { get; } =
    [
        new("mmap_threshold", "MALLOC_MMAP_THRESHOLD_", Parameter: -3, Value: int.MaxValue),
        new("trim_threshold", "MALLOC_TRIM_THRESHOLD_", Parameter: -1, Value: int.MaxValue),
    ];

    /// <summary>The settings <see cref="Apply"/> made in this process; empty before, or off Linux and glibc.</summary>
    public static IReadOnlyList<MallocSetting> Applied { get; private set; } = [];

    /// <summary>
    /// Applies <see cref="Settings"/> on Linux with glibc, leaving those the user set (glibc read them at start);
    /// elsewhere does nothing. Call it first thing, before the process allocates much.
    /// </summary>
    public static IReadOnlyList<MallocSetting> Apply()
    {
        if (!OnGlibc.Value) return Applied;
        Applied = [.. NotSetIn(Environment.GetEnvironmentVariable).Where(s => mallopt(s.Parameter, s.Value) == 1)];
        return Applied;
    }

    /// <summary>The settings whose variable, or glibc.malloc tunable in GLIBC_TUNABLES, the environment leaves unset.</summary>
    public static IReadOnlyList<MallocSetting> NotSetIn(Func<string, string?> environment)
    {
        string tunables = environment("GLIBC_TUNABLES") ?? "";
        return [.. Settings.Where(s => string.IsNullOrEmpty(environment(s.Variable))
                                      && !tunables.Contains($"glibc.malloc.{s.Name}=", StringComparison.Ordinal))];
    }

    /// <summary>For <c>qwenlayered info</c>: what <see cref="Apply"/> set, and what it left to the environment.</summary>
    public static string Summary => !OnGlibc.Value
        ? "the system's"
        : "glibc malloc, " + string.Join(", ", Settings.Select(s => Applied.Contains(s) ? $"{s.Name} {s.Value}" : $"{s.Name} from the environment"));

    /// <summary>Hands the free pages of every heap back to the system, as a server does once a job is done.</summary>
    public static void ReleaseFreeMemory()
    {
        if (OnGlibc.Value) malloc_trim(0);
    }

    /// <summary>
    /// Until disposed, every block of <paramref name="bytes"/> or more is mapped on its own and unmapped when freed, so the
    /// process's resident size follows the memory in use (for measuring peaks); then the threshold goes back to what
    /// <see cref="Apply"/> set, else to glibc's first threshold. Null off Linux and glibc.
    /// </summary>
    internal static IDisposable? MapBlocksFrom(int bytes)
    {
        if (!OnGlibc.Value || mallopt(Settings[0].Parameter, bytes) != 1) return null;
        return new Restore(() => mallopt(Settings[0].Parameter, Applied.Contains(Settings[0]) ? Settings[0].Value : GlibcFirstMmapThreshold));
    }

    private const int GlibcFirstMmapThreshold = 128 * 1024;

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    [LibraryImport(Library)]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport(Library)]
    private static partial int malloc_trim(nuint pad);
}
