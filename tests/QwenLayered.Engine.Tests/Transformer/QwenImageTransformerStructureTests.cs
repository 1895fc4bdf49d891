using QwenLayered.Engine.Transformer;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Transformer;

public class QwenImageTransformerStructureTests
{
    [Fact]
    public void Constructor_PublishedLayeredConfigOnMeta_Has20430407232ParametersIn1934Tensors()
    {
        using var model = new QwenImageTransformer2DModel(QwenImageTransformerConfig.QwenImageLayered, torch.META, torch.ScalarType.BFloat16);

        var stateDict = model.state_dict();

        Assert.Equal(1934, stateDict.Count);
        Assert.Equal(20_430_407_232L, stateDict.Values.Sum(t => t.numel()));
    }

    [Fact]
    public void StateDict_TinyConfig_UsesTheDiffusersNamesAndShapes()
    {
        var config = new QwenImageTransformerConfig
        {
            NumLayers = 1, AttentionHeadDim = 16, NumAttentionHeads = 2, JointAttentionDim = 24,
            AxesDimsRope = [4, 6, 6], UseAdditionalTCond = true, UseLayer3DRope = true,
        };
        using var model = new QwenImageTransformer2DModel(config, torch.META);

        var shapes = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);

        Assert.Equal([32, 64], shapes["img_in.weight"]);
        Assert.Equal([24], shapes["txt_norm.weight"]);
        Assert.Equal([32, 24], shapes["txt_in.weight"]);
        Assert.Equal([32, 256], shapes["time_text_embed.timestep_embedder.linear_1.weight"]);
        Assert.Equal([32, 32], shapes["time_text_embed.timestep_embedder.linear_2.weight"]);
        Assert.Equal([2, 32], shapes["time_text_embed.addition_t_embedding.weight"]);
        Assert.Equal([192, 32], shapes["transformer_blocks.0.img_mod.1.weight"]);
        Assert.Equal([192], shapes["transformer_blocks.0.txt_mod.1.bias"]);
        Assert.Equal([16], shapes["transformer_blocks.0.attn.norm_added_k.weight"]);
        Assert.Equal([32, 32], shapes["transformer_blocks.0.attn.to_out.0.weight"]);
        Assert.Equal([32, 32], shapes["transformer_blocks.0.attn.to_add_out.weight"]);
        Assert.Equal([128, 32], shapes["transformer_blocks.0.img_mlp.net.0.proj.weight"]);
        Assert.Equal([32, 128], shapes["transformer_blocks.0.txt_mlp.net.2.weight"]);
        Assert.Equal([64, 32], shapes["norm_out.linear.weight"]);
        Assert.Equal([64, 32], shapes["proj_out.weight"]);
        Assert.Equal(14 + 32, shapes.Count);
    }

    [Fact]
    public void StateDict_PlainQwenImageConfig_HasNoAdditionalTimestepEmbedding()
    {
        var config = new QwenImageTransformerConfig { NumLayers = 1, AttentionHeadDim = 16, NumAttentionHeads = 2, JointAttentionDim = 24, AxesDimsRope = [4, 6, 6] };
        using var model = new QwenImageTransformer2DModel(config, torch.META);

        Assert.DoesNotContain("time_text_embed.addition_t_embedding.weight", model.state_dict().Keys);
        Assert.Equal(13 + 32, model.state_dict().Count);
    }
}
