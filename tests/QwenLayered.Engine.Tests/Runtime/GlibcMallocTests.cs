using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Runtime;

public class GlibcMallocTests
{
    [Fact]
    public void Settings_MapNoBlockOnItsOwnAndGiveNoFreeTopBack()
    {
        Assert.Equal(
            [("mmap_threshold", int.MaxValue), ("trim_threshold", int.MaxValue)],
            GlibcMalloc.Settings.Select(s => (s.Name, s.Value)));
    }

    [Fact]
    public void NotSetIn_EmptyEnvironment_ChoosesEverySetting()
    {
        Assert.Equal(GlibcMalloc.Settings, GlibcMalloc.NotSetIn(_ => null));
    }

    [Fact]
    public void NotSetIn_VariableTheUserSet_LeavesThatSettingToTheUser()
    {
        var chosen = GlibcMalloc.NotSetIn(name => name == "MALLOC_TRIM_THRESHOLD_" ? "1048576" : null);

        Assert.Equal(["mmap_threshold"], chosen.Select(s => s.Name));
    }

    [Fact]
    public void NotSetIn_TunableTheUserSet_LeavesThatSettingToTheUser()
    {
        var chosen = GlibcMalloc.NotSetIn(name => name == "GLIBC_TUNABLES" ? "glibc.malloc.tcache_count=0:glibc.malloc.mmap_threshold=65536" : null);

        Assert.Equal(["trim_threshold"], chosen.Select(s => s.Name));
    }
}
