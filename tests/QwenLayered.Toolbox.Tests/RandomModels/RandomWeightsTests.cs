using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Vae;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Tests.RandomModels;

public class RandomWeightsTests
{
    [Fact]
    public void Fill_SameSeed_GivesTheSameWeightsInTheModulesDtype()
    {
        var config = new AutoencoderKLQwenImageConfig { BaseDim = 4, InputChannels = 4 };
        using var first = new AutoencoderKLQwenImage(config, CPU, ScalarType.BFloat16);
        using var second = new AutoencoderKLQwenImage(config, CPU, ScalarType.BFloat16);

        using (var generator = new Generator(11)) RandomWeights.Fill(first, generator);
        using (var generator = new Generator(11)) RandomWeights.Fill(second, generator);

        var weights = first.state_dict();
        Assert.All(second.state_dict(), p => Assert.True(p.Value.eq(weights[p.Key]).all().item<bool>(), p.Key));
        Assert.All(weights.Values, w => Assert.Equal(ScalarType.BFloat16, w.dtype));
        Assert.True(weights["decoder.norm_out.gamma"].eq(1).all().item<bool>());
        Assert.True(weights["decoder.conv_out.weight"].to(ScalarType.Float32).std().item<float>() > 0);
    }
}
