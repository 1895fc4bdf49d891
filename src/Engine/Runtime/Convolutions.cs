using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Runtime;

/// <summary>
/// The engine's one 2-D convolution, which every convolution layer calls. On the CPU libtorch hands most convolutions
/// to oneDNN, whose AVX-512 kernels keep activations in blocks of 16 channels, padding the last block. On some
/// machines of the kind the project runs on, a float32 convolution whose input has more than 16 channels, and not a
/// multiple of 16, came out wrong there (errors of 0.3 to 0.9, sometimes NaN), while the same convolution of a
/// channels-last input was right. Such an input is therefore handed over channels-last, which oneDNN keeps unblocked
/// forward and backward, and the result is returned in the usual layout. Every other convolution, those of the
/// published VAE included, is passed to libtorch untouched.
/// </summary>
internal static class Convolutions
{
    private const long ChannelBlock = 16;

    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long stride = 1, long padding = 0)
    {
        if (!HasPartialChannelBlock(input))
            return nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);
        using var scope = NewDisposeScope();
        var channelsLast = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        return nn.functional.conv2d(channelsLast, weight, bias, strides: [stride, stride], padding: [padding, padding])
            .contiguous().MoveToOuterDisposeScope();
    }

    // Up to 16 channels oneDNN reads the input unblocked; blocks are only a CPU matter.
    private static bool HasPartialChannelBlock(Tensor input) =>
        input.device_type == DeviceType.CPU && input.shape[1] > ChannelBlock && input.shape[1] % ChannelBlock != 0;
}
