using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Runtime;

public class HostMemoryTests
{
    [Fact]
    public void PeakResidentBytes_OnLinux_IsAtLeastTheCurrentResidentSize()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc/self/status is Linux only.");

        long? current = HostMemory.ResidentBytes();
        long? peak = HostMemory.PeakResidentBytes();

        Assert.True(current > 0);
        Assert.True(peak >= current);
    }
}
