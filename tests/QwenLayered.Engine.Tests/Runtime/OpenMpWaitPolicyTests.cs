using System.Runtime.InteropServices;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Runtime;

public class OpenMpWaitPolicyTests
{
    [Fact]
    public void Apply_BeforeTorchLoads_SetsPassiveInTheNativeEnvironmentOpenMpReads()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The OpenMP wait policy is set on Linux only.");
        Assert.SkipWhen(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OpenMpWaitPolicy.Variable)),
            "The user chose a policy for this test run.");

        // Applied when this assembly loaded (TestProcessRuntime); libgomp reads the C library's environment, not .NET's.
        Assert.True(OpenMpWaitPolicy.Applied);
        Assert.Equal("PASSIVE", Marshal.PtrToStringUTF8(getenv(OpenMpWaitPolicy.Variable)));
        Assert.Equal("passive wait", OpenMpWaitPolicy.Summary);
    }

    [DllImport("libc.so.6", CharSet = CharSet.Ansi)]
    private static extern nint getenv(string name);
}
