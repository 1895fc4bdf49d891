using QwenLayered.Engine.Pipeline;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Pipeline;

public class LatentPackingTests
{
    [Fact]
    public void Pack_OneToken_OrdersChannelThenPatchRowThenColumn()
    {
        // 1 batch, 1 frame, 2 channels, 2x2: value = 100·c + 10·y + x.
        using var latents = tensor(new float[] { 0, 1, 10, 11, 100, 101, 110, 111 }).reshape(1, 1, 2, 2, 2);

        using var tokens = LatentPacking.Pack(latents);

        Assert.Equal(new long[] { 1, 1, 8 }, tokens.shape);
        Assert.Equal(new float[] { 0, 1, 10, 11, 100, 101, 110, 111 }, tokens.data<float>().ToArray());
    }

    [Fact]
    public void Pack_SeveralFrames_IsFrameMajorThenPatchRowThenColumn()
    {
        using var latents = arange(2 * 3 * 1 * 4 * 6, dtype: ScalarType.Float32).reshape(2, 3, 1, 4, 6);

        using var tokens = LatentPacking.Pack(latents);

        Assert.Equal(new long[] { 2, 3 * 2 * 3, 4 }, tokens.shape);
        // Token 4 of frame 1 is patch row 1, column 1: its first value is latents[b, 1, 0, 2, 2].
        Assert.Equal(latents[1, 1, 0, 2, 2].item<float>(), tokens[1, 6 + 4, 0].item<float>());
    }

    [Fact]
    public void Unpack_AfterPack_ReturnsTheFramesInVideoLayout()
    {
        using var generator = new Generator(6);
        using var latents = randn([2, 3, 16, 6, 10], generator: generator);

        using var unpacked = LatentPacking.Unpack(LatentPacking.Pack(latents), frames: 3, latentHeight: 6, latentWidth: 10);

        Assert.Equal(new long[] { 2, 16, 3, 6, 10 }, unpacked.shape);
        Assert.True(unpacked.allclose(latents.permute(0, 2, 1, 3, 4), rtol: 0, atol: 0));
    }

    [Fact]
    public void Pack_OddLatentSize_SaysWhatItExpected()
    {
        using var latents = zeros(new long[] { 1, 1, 16, 5, 4 });

        var error = Assert.Throws<ArgumentException>(() => LatentPacking.Pack(latents));
        Assert.Contains("even h and w", error.Message);
    }

    [Fact]
    public void Unpack_WrongTokenCount_NamesTheExpectedShape()
    {
        using var tokens = zeros(new long[] { 1, 7, 64 });

        var error = Assert.Throws<ArgumentException>(() => LatentPacking.Unpack(tokens, 2, 4, 4));
        Assert.Contains("[B, 8, 4·C]", error.Message);
    }
}
