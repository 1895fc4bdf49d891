using System.Reflection;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Vae;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Runtime;

public class ConvolutionsTests
{
    // libtorch hands a 3x3 float32 conv2d to oneDNN when the batch is above 1 or the input has more than 20,480
    // elements, and oneDNN's AVX-512 kernels pad the channels to blocks of 16: these cases reach oneDNN with a partial
    // block (18, 20, 24, 40 channels) and without one (16, 4).
    [Theory]
    [InlineData(2, 18, 8, 3, 1, 1)]
    [InlineData(1, 18, 40, 3, 1, 1)]
    [InlineData(2, 20, 8, 1, 1, 0)]
    [InlineData(2, 24, 9, 3, 2, 0)]
    [InlineData(2, 40, 8, 3, 1, 1)]
    [InlineData(2, 16, 8, 3, 1, 1)]
    [InlineData(2, 4, 8, 3, 1, 1)]
    public void Conv2d_AnyChannelCount_MatchesFloat64(long batch, long channels, long size, long kernel, long stride, long padding)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var input = randn([batch, channels, size, size], dtype: ScalarType.Float64, generator: generator);
        var weight = randn([24, channels, kernel, kernel], dtype: ScalarType.Float64, generator: generator) / Math.Sqrt(channels * kernel * kernel);
        var bias = randn([24], dtype: ScalarType.Float64, generator: generator);
        var expected = nn.functional.conv2d(input, weight, bias, strides: [stride, stride], padding: [padding, padding]);

        var actual = Convolutions.Conv2d(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), stride, padding);

        Assert.Equal(expected.shape, actual.shape);
        double error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        Assert.True(error < 1e-4, $"max abs error {error:E2} against float64");
    }

    [Fact]
    public void Conv2d_Bfloat16WithAPartialChannelBlock_MatchesFloat64WithinBfloat16Rounding()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        var input = randn([2, 18, 8, 8], dtype: ScalarType.Float64, generator: generator);
        var weight = randn([24, 18, 3, 3], dtype: ScalarType.Float64, generator: generator) / Math.Sqrt(18 * 9);
        var expected = nn.functional.conv2d(input.to(ScalarType.BFloat16).to(ScalarType.Float64), weight.to(ScalarType.BFloat16).to(ScalarType.Float64), padding: [1, 1]);

        var actual = Convolutions.Conv2d(input.to(ScalarType.BFloat16), weight.to(ScalarType.BFloat16), null, padding: 1);

        double error = (actual.to(ScalarType.Float64) - expected).abs().max().item<double>();
        double scale = expected.abs().max().item<double>();
        Assert.True(error < 1e-2 * scale, $"max abs error {error:E2} against float64 (largest output {scale:E2})");
    }

    [Fact]
    public void Conv2d_InputWithAPartialChannelBlock_ReturnsTheUsualLayout()
    {
        using var scope = NewDisposeScope();
        var input = ones([2, 18, 8, 8]);
        var weight = ones([8, 18, 3, 3]);

        var output = Convolutions.Conv2d(input, weight, null, padding: 1);

        Assert.True(output.is_contiguous());
        Assert.Equal(18 * 9, output[0, 0, 4, 4].item<float>());
    }

    [Fact]
    public void Conv2d_Backward_GradientsMatchFloat64()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(6);
        var input = randn([2, 18, 8, 8], dtype: ScalarType.Float64, generator: generator);
        var weight = randn([20, 18, 3, 3], dtype: ScalarType.Float64, generator: generator) / Math.Sqrt(18 * 9);
        var bias = randn([20], dtype: ScalarType.Float64, generator: generator);
        var outputGradient = randn([2, 20, 8, 8], dtype: ScalarType.Float64, generator: generator);
        var expected = Gradients(input, weight, bias, outputGradient);

        var actual = Gradients(input.to(ScalarType.Float32), weight.to(ScalarType.Float32), bias.to(ScalarType.Float32), outputGradient.to(ScalarType.Float32));

        for (int i = 0; i < expected.Length; i++)
        {
            double error = (actual[i].to(ScalarType.Float64) - expected[i]).abs().max().item<double>();
            Assert.True(error < 1e-4, $"gradient {i} (input, weight, bias): max abs error {error:E2} against float64");
        }
    }

    [Fact]
    public void EngineCode_ConvolvesOnlyThroughConv2d()
    {
        static bool IsConvolution(MethodBase method) =>
            method.DeclaringType?.Assembly == typeof(Tensor).Assembly
            && (method.Name is "conv1d" or "conv2d" or "conv3d" || method.Name.StartsWith("conv_transpose", StringComparison.Ordinal));

        var offenders = MethodCalls.DeclaredIn(typeof(Convolutions).Assembly)
            .Where(method => method.DeclaringType != typeof(Convolutions))
            .SelectMany(method => MethodCalls.Of(method).Where(IsConvolution).Select(callee => $"{method.DeclaringType!.FullName}.{method.Name} calls {callee.Name}"))
            .Distinct()
            .ToList();

        Assert.True(offenders.Count == 0, "Convolve through Runtime.Convolutions.Conv2d:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Vae_HasNoTorchSharpConvolutionLayer()
    {
        using var vae = new AutoencoderKLQwenImage(new AutoencoderKLQwenImageConfig { BaseDim = 4, InputChannels = 4, AttnScales = [1.0] });

        var layers = vae.named_modules().Where(m => m.module is TorchSharp.Modules.Convolution).Select(m => m.name).ToList();

        Assert.True(layers.Count == 0, "Use Vae.Conv2dLayer, which convolves through Runtime.Convolutions.Conv2d: " + string.Join(", ", layers));
    }

    private static Tensor[] Gradients(Tensor input, Tensor weight, Tensor bias, Tensor outputGradient)
    {
        Tensor[] leaves = [input.detach().requires_grad_(true), weight.detach().requires_grad_(true), bias.detach().requires_grad_(true)];
        var output = input.dtype == ScalarType.Float64
            ? nn.functional.conv2d(leaves[0], leaves[1], leaves[2], padding: [1, 1])
            : Convolutions.Conv2d(leaves[0], leaves[1], leaves[2], padding: 1);
        output.backward([outputGradient]);
        return [.. leaves.Select(leaf => leaf.grad!)];
    }
}
