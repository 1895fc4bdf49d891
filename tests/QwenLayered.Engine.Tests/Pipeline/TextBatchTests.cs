using QwenLayered.Engine.Pipeline;
using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Pipeline;

public class TextBatchTests
{
    [Fact]
    public void Stack_DifferentLengths_PadsWithZerosAndMasksThePadding()
    {
        using var shortText = new PromptEmbedding(ones(1, 2, 3), null);
        using var longText = new PromptEmbedding(full(1, 4, 3, 2f), null);

        var (text, mask) = TextBatch.Stack([shortText, longText], ScalarType.Float32, CPU);

        Assert.Equal([2L, 4, 3], text.shape);
        Assert.Equal(0f, text[0, 2..].abs().sum().item<float>());
        Assert.Equal(new long[] { 1, 1, 0, 0, 1, 1, 1, 1 }, mask!.data<long>().ToArray());
    }

    [Fact]
    public void Stack_EqualLengthsWithoutMasks_NeedsNoMask()
    {
        using var a = new PromptEmbedding(ones(1, 3, 2), null);
        using var b = new PromptEmbedding(zeros(1, 3, 2), null);

        var (text, mask) = TextBatch.Stack([a, b], ScalarType.BFloat16, CPU);

        Assert.Equal(ScalarType.BFloat16, text.dtype);
        Assert.Null(mask);
    }
}
