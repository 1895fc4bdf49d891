using QwenLayered.Engine.Transformer;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Transformer;

public class QwenImageTransformer2DModelTests
{
    [Fact]
    public void Forward_TinyModel_ReturnsOnePatchPerImageToken()
    {
        using var model = TinyTransformer.Create();

        using var output = model.forward(TinyTransformer.Input());

        Assert.Equal([2, 24, 8], output.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void Forward_PlainQwenImageConfig_RunsWithoutAdditionalTCond()
    {
        var config = new QwenImageTransformerConfig
        {
            NumLayers = 1, AttentionHeadDim = 16, NumAttentionHeads = 2, JointAttentionDim = 24, InChannels = 8, OutChannels = 2,
            AxesDimsRope = [4, 6, 6],
        };
        using var model = new QwenImageTransformer2DModel(config, CPU);
        var input = TinyTransformer.Input();

        using var output = model.forward(new QwenImageTransformerInput
        {
            HiddenStates = input.HiddenStates, EncoderHiddenStates = input.EncoderHiddenStates,
            Timestep = input.Timestep, ImageShapes = input.ImageShapes,
        });

        Assert.Equal([2, 24, 8], output.shape);
    }

    [Fact]
    public void Forward_SecondCallOnSameLayout_LeavesOnlyItsOutputAlive()
    {
        using var model = TinyTransformer.Create();
        var input = TinyTransformer.Input(ones(2, 5));
        model.forward(input).Dispose(); // fills the RoPE cache, which lives as long as the model
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using (var output = model.forward(input))
            Assert.Equal(before + 1, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Forward_PaddedTextTokensChange_ImageOutputUnchanged()
    {
        using var model = TinyTransformer.Create();
        using var mask = tensor(new float[,] { { 1, 1, 1, 0, 0 }, { 1, 1, 1, 1, 0 } });
        using var text = TinyTransformer.Seeded(2, 2, 5, 24);
        using var changed = text.clone();
        changed[0, 3] = TinyTransformer.Seeded(3, 24);
        changed[1, 4] = TinyTransformer.Seeded(4, 24);

        using var reference = model.forward(TinyTransformer.Input(mask, text));
        using var output = model.forward(TinyTransformer.Input(mask, changed));

        Assert.True(reference.allclose(output, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Forward_PaddedTextTokensChangeWithoutMask_ImageOutputChanges()
    {
        using var model = TinyTransformer.Create();
        using var text = TinyTransformer.Seeded(2, 2, 5, 24);
        using var changed = text.clone();
        changed[0, 3] = TinyTransformer.Seeded(3, 24);

        using var reference = model.forward(TinyTransformer.Input(text: text));
        using var output = model.forward(TinyTransformer.Input(text: changed));

        Assert.False(reference.allclose(output, rtol: 0, atol: 1e-4));
    }

    [Fact]
    public void Forward_AllOnesOrNonZeroMask_EqualsNoMask()
    {
        using var model = TinyTransformer.Create();
        using var ones = full(2, 5, 1f);
        using var nonZero = tensor(new float[,] { { 2, -1, 0.5f, 1, 3 }, { 1, 1, 1, 1, 7 } });

        using var unmasked = model.forward(TinyTransformer.Input());
        using var allOnes = model.forward(TinyTransformer.Input(ones));
        using var anyNonZero = model.forward(TinyTransformer.Input(nonZero));

        Assert.True(unmasked.allclose(allOnes, rtol: 0, atol: 1e-6));
        Assert.True(unmasked.allclose(anyNonZero, rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 0.05)]
    [InlineData(ScalarType.Float16, 0.01)]
    public void Forward_HalfPrecisionWeights_StaysNearFp32(ScalarType dtype, double maxRelativeError)
    {
        using var fp32 = TinyTransformer.Create();
        using var half = new QwenImageTransformer2DModel(TinyTransformer.Config, CPU, dtype);
        half.load_state_dict(fp32.state_dict());

        // At t = 0 the sinusoid is exact in every dtype. Elsewhere the model rounds t to its dtype like the reference,
        // which moves arguments of up to 1000 rad by whole radians: a real, intended difference, not arithmetic error.
        float[] timestep = [0f, 0f];
        using var expected = fp32.forward(TinyTransformer.Input(timestep: timestep));
        using var actual = half.forward(TinyTransformer.Input(timestep: timestep));

        Assert.Equal(dtype, actual.dtype);
        double relative = (actual.to(ScalarType.Float32) - expected).norm().item<float>() / expected.norm().item<float>();
        Assert.InRange(relative, 0, maxRelativeError);
    }

    [Fact]
    public void Forward_LayeredWithoutAdditionalTCond_SaysItIsRequired()
    {
        using var model = TinyTransformer.Create();
        var input = TinyTransformer.Input();

        var error = Assert.Throws<ArgumentException>(() => model.forward(new QwenImageTransformerInput
        {
            HiddenStates = input.HiddenStates, EncoderHiddenStates = input.EncoderHiddenStates,
            Timestep = input.Timestep, ImageShapes = input.ImageShapes,
        }));

        Assert.Contains("additional_t_cond", error.Message);
    }

    [Fact]
    public void Forward_GridsNotCoveringTheTokens_NamesBothCounts()
    {
        using var model = TinyTransformer.Create();
        var input = TinyTransformer.Input();

        var error = Assert.Throws<ArgumentException>(() => model.forward(new QwenImageTransformerInput
        {
            HiddenStates = input.HiddenStates, EncoderHiddenStates = input.EncoderHiddenStates, Timestep = input.Timestep,
            AdditionalTCond = input.AdditionalTCond, ImageShapes = [new(1, 2, 3), new(1, 2, 3)],
        }));

        Assert.Contains("12 tokens", error.Message);
        Assert.Contains("24", error.Message);
    }

    [Fact]
    public void Forward_MaskOfWrongLength_NamesTheExpectedShape()
    {
        using var model = TinyTransformer.Create();
        using var mask = ones(2, 4);

        var error = Assert.Throws<ArgumentException>(() => model.forward(TinyTransformer.Input(mask)));

        Assert.Contains("[2, 5]", error.Message);
    }
}
