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
}
