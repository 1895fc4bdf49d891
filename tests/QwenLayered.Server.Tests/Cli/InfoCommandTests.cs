namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered info</c> as a user would.</summary>
public class InfoCommandTests
{
    [Fact]
    public async Task Info_OnLinux_SaysGlibcKeepsFreedMemory()
    {
        string output = await RunOnLinuxAsync();

        Assert.Contains("allocator   glibc malloc, mmap_threshold 2147483647, trim_threshold 2147483647", output);
    }

    [Fact]
    public async Task Info_WithMallocVariableSet_LeavesThatSettingToTheEnvironment()
    {
        string output = await RunOnLinuxAsync(("MALLOC_TRIM_THRESHOLD_", "1048576"));

        Assert.Contains("allocator   glibc malloc, mmap_threshold 2147483647, trim_threshold from the environment", output);
    }

    [Fact]
    public async Task Info_OnLinux_LibtorchsOpenMpRuntimeWaitsPassively()
    {
        // OMP_DISPLAY_ENV makes GNU OpenMP print the settings it read when libtorch loaded it.
        string output = await RunOnLinuxAsync(("OMP_DISPLAY_ENV", "TRUE"));

        Assert.Contains("openmp      passive wait", output);
        Assert.Contains("OMP_WAIT_POLICY = 'PASSIVE'", output);
    }

    [Fact]
    public async Task Info_WithOpenMpWaitPolicySet_LeavesItToTheEnvironment()
    {
        string output = await RunOnLinuxAsync(("OMP_WAIT_POLICY", "ACTIVE"));

        Assert.Contains("openmp      OMP_WAIT_POLICY=ACTIVE from the environment", output);
    }

    // glibc's allocator and the OpenMP wait policy are set on Linux only. Standard output and error together.
    private static async Task<string> RunOnLinuxAsync(params (string Name, string Value)[] environment)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The allocator and the OpenMP wait policy are set on Linux only.");

        var (exitCode, output, error) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu",
            environment: environment.ToDictionary(v => v.Name, v => v.Value));

        Assert.Equal(0, exitCode);
        return output + error;
    }
}
