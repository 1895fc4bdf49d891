using System.Text.Json;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.QwenVL.Vision;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

public class Qwen25VLConfigTests
{
    [Fact]
    public void FromElement_TextKeysNestedUnderTextConfig_ReadsThemAndTheVisionConfig()
    {
        using var json = JsonDocument.Parse("""
            {"image_token_id": 9, "vision_start_token_id": 8,
             "text_config": {"vocab_size": 20, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
               "num_attention_heads": 2, "num_key_value_heads": 1, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
               "eos_token_id": [3, 4], "rope_scaling": {"rope_type": "default", "mrope_section": [1, 1, 2]}},
             "vision_config": {"depth": 1, "hidden_size": 16, "intermediate_size": 8, "num_heads": 2, "in_chans": 3,
               "out_hidden_size": 16, "fullatt_block_indexes": [0]}}
            """);

        var config = Qwen25VLConfig.FromElement("test", json.RootElement);

        Assert.Equal(16, config.Text.HiddenSize);
        Assert.Equal([1, 1, 2], config.MropeSection);
        Assert.Equal([3, 4], config.EosTokenIds);
        Assert.Equal(9, config.ImageTokenId);
        Assert.Equal(4, config.Vision.MergedWindowSize);
    }

    [Fact]
    public void FromElement_MropeSectionNotHalfTheHeadDim_Throws()
    {
        using var json = JsonDocument.Parse("""
            {"image_token_id": 9, "vision_start_token_id": 8, "vocab_size": 20, "hidden_size": 16, "intermediate_size": 32,
             "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "rms_norm_eps": 1e-6,
             "rope_theta": 10000.0, "rope_scaling": {"mrope_section": [2, 2, 2]},
             "vision_config": {"depth": 1, "hidden_size": 16, "intermediate_size": 8, "num_heads": 2,
               "out_hidden_size": 16, "fullatt_block_indexes": [0]}}
            """);

        Assert.Throws<ModelFolderException>(() => Qwen25VLConfig.FromElement("test", json.RootElement));
    }

    [Fact]
    public void Constructor_Qwen25VL7BOnMeta_VisionTowerHasThePublishedParameterCount()
    {
        using var language = new Qwen25VLTextModel(Qwen25VLConfig.Qwen25VL7B.Text, device("meta"), ScalarType.BFloat16);
        using var head = new Qwen25VLCaptionHead(Qwen25VLConfig.Qwen25VL7B, device("meta"), ScalarType.BFloat16);

        var parameters = new Qwen25VLCaptionModel(head, language).Weights().Select(p => (name: p.Key, parameter: p.Value)).ToList();

        Assert.Equal(676_550_144L, parameters.Where(p => p.name.StartsWith("visual.", StringComparison.Ordinal)).Sum(p => p.parameter.numel()));
        Assert.Equal(7_615_616_512L, parameters.Where(p => !p.name.StartsWith("visual.", StringComparison.Ordinal)).Sum(p => p.parameter.numel()));
    }
}
