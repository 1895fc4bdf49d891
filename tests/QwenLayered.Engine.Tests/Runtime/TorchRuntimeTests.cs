using QwenLayered.Engine.Runtime;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void Libtorch_LoadsInTheTestOutputFolder_AndComputes()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }).reshape(2, 2);

        using var product = torch.matmul(a, b);

        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void Description_NamesTorchSharpVersionAndBackend()
    {
        Assert.Matches(@"^TorchSharp \d+\.\d+\.\d+, (cpu|cuda) libtorch$", TorchRuntime.Description);
    }
}
