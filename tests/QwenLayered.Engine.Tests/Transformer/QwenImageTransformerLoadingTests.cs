using System.Text.Json;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Transformer;
using QwenLayered.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Transformer;

public class QwenImageTransformerLoadingTests
{
    [Fact]
    public void FromPretrained_FolderWrittenFromAModel_ReproducesItsOutput()
    {
        using var folder = new TempFolder();
        using var source = TinyTransformer.Create();
        TinyTransformer.WriteFolder(folder, source.state_dict());

        using var loaded = QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU);
        using var expected = source.forward(TinyTransformer.Input());
        using var actual = loaded.forward(TinyTransformer.Input());

        Assert.True(expected.allclose(actual, rtol: 0, atol: 0));
    }

    [Fact]
    public void FromPretrained_CheckpointMissingATensor_NamesIt()
    {
        using var folder = new TempFolder();
        using var source = TinyTransformer.Create();
        var weights = source.state_dict();
        weights.Remove("transformer_blocks.1.attn.norm_added_k.weight");
        TinyTransformer.WriteFolder(folder, weights);

        var error = Assert.Throws<WeightFileException>(() => QwenImageTransformer2DModel.FromPretrained(folder.Path, ScalarType.Float32, CPU));

        Assert.Contains("transformer_blocks.1.attn.norm_added_k.weight", error.Message);
    }

    [Fact]
    public void ConfigFile_DiffusersConfigJson_ReadsEveryKeyAndIgnoresPrivateOnes()
    {
        const string json = """
            {"_class_name": "QwenImageTransformer2DModel", "_diffusers_version": "0.36.0", "patch_size": 2, "in_channels": 64,
             "out_channels": 16, "num_layers": 60, "attention_head_dim": 128, "num_attention_heads": 24,
             "joint_attention_dim": 3584, "guidance_embeds": false, "axes_dims_rope": [16, 56, 56], "zero_cond_t": false,
             "use_additional_t_cond": true, "use_layer3d_rope": true}
            """;
        using var document = JsonDocument.Parse(json);

        var config = ConfigFile.FromElement<QwenImageTransformerConfig>("config.json", document.RootElement);

        Assert.Equivalent(QwenImageTransformerConfig.QwenImageLayered, config);
        Assert.Equal(3072, config.InnerDim);
        Assert.Equal(64, config.ProjOutChannels);
    }

    [Fact]
    public void ConfigFile_AxesNotAddingUpToTheHeadDim_IsRejected()
    {
        using var document = JsonDocument.Parse("""{"attention_head_dim": 16, "axes_dims_rope": [4, 4, 4]}""");

        var error = Assert.Throws<ModelFolderException>(() => ConfigFile.FromElement<QwenImageTransformerConfig>("config.json", document.RootElement));

        Assert.Contains("attention_head_dim 16", error.Message);
    }
}
