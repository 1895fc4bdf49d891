using QwenLayered.Engine.ModelFolders;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.RandomModels;

public class ModelSizeTests
{
    [Fact]
    public void Of_FullConfig_CountsThePublishedSizesWithoutAllocating()
    {
        long before = Environment.WorkingSet;

        var size = ModelSize.Of(RandomModelConfigs.Full("unused"));

        // 20.4B transformer, 7.07B language model (Qwen2.5-VL-7B without lm_head and vision tower), ~127M VAE.
        Assert.InRange(size.Transformer, 20.3e9, 20.5e9);
        Assert.InRange(size.TextEncoder, 7.0e9, 7.1e9);
        Assert.InRange(size.Vae, 0.1e9, 0.15e9);
        Assert.Equal(size.Total * 2, size.Bytes(torch.ScalarType.BFloat16));
        Assert.True(Environment.WorkingSet - before < 1L << 30, "Counting on the meta device must not allocate the weights.");
    }
}
