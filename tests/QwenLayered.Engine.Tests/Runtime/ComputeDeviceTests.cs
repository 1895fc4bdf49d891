using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.Engine.Runtime;

namespace QwenLayered.Engine.Tests.Runtime;

public class ComputeDeviceTests
{
    [Theory]
    [InlineData("auto", 0, "cpu")]
    [InlineData("", 0, "cpu")]
    [InlineData("auto", 2, "cuda:0")]
    [InlineData("CPU", 2, "cpu")]
    [InlineData("cuda", 1, "cuda:0")]
    [InlineData(" cuda:1 ", 2, "cuda:1")]
    public void Resolve_KnownRequest_PicksTheDevice(string requested, int cudaDevices, string expected)
    {
        Assert.Equal(expected, ComputeDevice.Resolve(requested, cudaDevices));
    }

    [Fact]
    public void Resolve_CudaWithoutCudaDevices_SaysHowToGetOne()
    {
        var error = Assert.Throws<ComputeDeviceException>(() => ComputeDevice.Resolve("cuda", 0));
        Assert.Contains("TorchBackend=cuda", error.Message);
        Assert.Contains("--device cpu", error.Message);
    }

    [Fact]
    public void Resolve_CudaIndexBeyondTheDevices_NamesTheValidRange()
    {
        var error = Assert.Throws<ComputeDeviceException>(() => ComputeDevice.Resolve("cuda:2", 2));
        Assert.Contains("cuda:0 to cuda:1", error.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Resolve_UnknownName_ListsTheAcceptedNames(string requested)
    {
        var error = Assert.Throws<ComputeDeviceException>(() => ComputeDevice.Resolve(requested, 1));
        Assert.Contains("auto, cpu, cuda or cuda:N", error.Message);
    }

    [Fact]
    public void Select_OnThisMachine_ReturnsAUsableDevice()
    {
        var device = ComputeDevice.Select("auto", NullLogger.Instance);

        using var ones = TorchSharp.torch.ones(3, device: device);
        Assert.Equal(3f, ones.sum().item<float>());
    }
}
