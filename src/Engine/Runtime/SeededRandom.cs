using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// Seeded random tensors for any device, drawn on the CPU and then moved there (random weights on a CUDA device
/// excepted: see <see cref="FillNormal"/>). TorchSharp's generators are CPU generators whatever device they are
/// given, and CUDA kernels refuse them ("Expected a 'cuda' device type for generator"); drawing on the CPU also gives
/// one seed the same numbers on every device, as diffusers does when it is handed a CPU generator.
/// </summary>
internal static class SeededRandom
{
    /// <summary>Standard normal values of <paramref name="shape"/> in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public static Tensor Normal(long[] shape, Generator generator, Device device, ScalarType dtype = ScalarType.Float32) =>
        randn(shape, dtype: dtype, generator: generator).to(device);

    /// <summary>Values uniform in [0, 1) of <paramref name="shape"/> on <paramref name="device"/>.</summary>
    public static Tensor Uniform(long[] shape, Generator generator, Device device) =>
        rand(shape, generator: generator).to(device);

    /// <summary>
    /// Overwrites <paramref name="tensor"/>, on whatever device and in whatever dtype it is, with N(mean, std²) values.
    /// On a CUDA device the values are drawn there, by the device's own generator seeded from
    /// <paramref name="generator"/>: a full-size model's random weights (tens of gigabytes) would take minutes to draw
    /// on the CPU. So a seed fills the same values on every run on one device, but not the CPU's values.
    /// </summary>
    public static void FillNormal(Tensor tensor, double mean, double std, Generator generator)
    {
        if (tensor.device_type == DeviceType.CUDA)
        {
            cuda.manual_seed_all(randint(long.MaxValue, [1], dtype: ScalarType.Int64, generator: generator).item<long>());
            tensor.normal_(mean, std);
            return;
        }
        using var values = empty(tensor.shape, dtype: tensor.dtype).normal_(mean, std, generator);
        tensor.copy_(values);
    }
}
