using QwenLayered.Engine.QwenVL.Language;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL.Language;

public class TextModelStructureTests
{
    [Fact]
    public void Constructor_Qwen25VL7BConfigOnMeta_HasTheSpecParameterCount()
    {
        var config = Qwen25VLTextConfig.Qwen25VL7B;

        using var model = new Qwen25VLTextModel(config, device("meta"), ScalarType.BFloat16);

        var parameters = model.named_parameters().ToList();
        long perLayer = parameters.Where(p => p.name.StartsWith("layers.0.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
        Assert.Equal(233_057_792L, perLayer);
        Assert.Equal(7_070_619_136L, parameters.Sum(p => p.parameter.numel()));
    }

    [Fact]
    public void Constructor_InsideADisposeScope_KeepsItsWeightsAfterTheScope()
    {
        var tiny = new Qwen25VLTextConfig
        {
            VocabSize = 10, HiddenSize = 8, IntermediateSize = 8, NumHiddenLayers = 1,
            NumAttentionHeads = 2, NumKeyValueHeads = 1, RmsNormEps = 1e-6, RopeTheta = 1e4,
        };
        Qwen25VLTextModel model;

        using (NewDisposeScope()) model = new Qwen25VLTextModel(tiny);

        using (model) Assert.All(model.parameters(), parameter => Assert.False(parameter.IsInvalid));
    }
}
