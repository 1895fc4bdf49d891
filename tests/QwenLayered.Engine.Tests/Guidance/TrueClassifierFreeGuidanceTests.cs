using QwenLayered.Engine.Guidance;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Guidance;

public class TrueClassifierFreeGuidanceTests
{
    [Fact]
    public void Combine_WithoutNormalize_ExtrapolatesFromUnconditional()
    {
        using var conditional = tensor(new float[] { 3, 0 }).reshape(1, 1, 2);
        using var unconditional = tensor(new float[] { 1, 1 }).reshape(1, 1, 2);

        using var guided = TrueClassifierFreeGuidance.Combine(conditional, unconditional, 4f, normalize: false);

        Assert.Equal(new float[] { 9, -3 }, guided.data<float>().ToArray());
    }

    [Fact]
    public void Combine_WithNormalize_KeepsEachTokensConditionalNormAndDirection()
    {
        using var generator = new Generator(5);
        using var conditional = randn([2, 5, 64], generator: generator);
        using var unconditional = randn([2, 5, 64], generator: generator);

        using var guided = TrueClassifierFreeGuidance.Combine(conditional, unconditional, 4f, normalize: true);
        using var plain = TrueClassifierFreeGuidance.Combine(conditional, unconditional, 4f, normalize: false);

        using var guidedNorm = linalg.vector_norm(guided, dims: [-1]);
        Assert.True(guidedNorm.allclose(linalg.vector_norm(conditional, dims: [-1]), rtol: 1e-5, atol: 1e-6));
        using var cosine = nn.functional.cosine_similarity(guided, plain, dim: -1);
        Assert.True(cosine.allclose(ones_like(cosine), rtol: 1e-5, atol: 1e-5));
    }
}
