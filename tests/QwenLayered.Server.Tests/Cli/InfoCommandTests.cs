namespace QwenLayered.Server.Tests.Cli;

/// <summary>Runs <c>qwenlayered info</c> as a user would.</summary>
public class InfoCommandTests
{
    [Fact]
    public async Task Info_OnLinux_SaysGlibcKeepsFreedMemory()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "glibc's allocator is set on Linux only.");

        var (exitCode, output, _) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu");

        Assert.Equal(0, exitCode);
        Assert.Contains("allocator   glibc malloc, mmap_threshold 2147483647, trim_threshold 2147483647", output);
    }

    [Fact]
    public async Task Info_WithMallocVariableSet_LeavesThatSettingToTheEnvironment()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "glibc's allocator is set on Linux only.");

        var (exitCode, output, _) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu",
            environment: new Dictionary<string, string> { ["MALLOC_TRIM_THRESHOLD_"] = "1048576" });

        Assert.Equal(0, exitCode);
        Assert.Contains("allocator   glibc malloc, mmap_threshold 2147483647, trim_threshold from the environment", output);
    }

    [Fact]
    public async Task Info_OnLinux_LibtorchsOpenMpRuntimeWaitsPassively()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The OpenMP wait policy is set on Linux only.");

        // OMP_DISPLAY_ENV makes GNU OpenMP print the settings it read when libtorch loaded it.
        var (exitCode, output, error) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu",
            environment: new Dictionary<string, string> { ["OMP_DISPLAY_ENV"] = "TRUE" });

        Assert.Equal(0, exitCode);
        Assert.Contains("openmp      passive wait", output);
        Assert.Contains("OMP_WAIT_POLICY = 'PASSIVE'", output + error);
    }

    [Fact]
    public async Task Info_WithOpenMpWaitPolicySet_LeavesItToTheEnvironment()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The OpenMP wait policy is set on Linux only.");

        var (exitCode, output, _) = await BuiltExecutables.RunAsync("qwenlayered", "info --device cpu",
            environment: new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "ACTIVE" });

        Assert.Equal(0, exitCode);
        Assert.Contains("openmp      OMP_WAIT_POLICY=ACTIVE from the environment", output);
    }
}
