using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.RandomModels;
using QwenLayered.Toolbox.Training;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Tests.Training;

public class AdaLnZeroTests
{
    [Fact]
    public void Apply_RandomTransformer_FirstPredictionIsZero()
    {
        using var model = TinyTransformer.Create();

        AdaLnZero.Apply(model);

        using var output = model.forward(TinyTransformer.Input());
        Assert.True(output.eq(0).all().item<bool>());
    }

    [Fact]
    public void Apply_RandomTransformer_ZeroesModulationAndOutputOnly()
    {
        using var model = TinyTransformer.Create();
        var before = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

        AdaLnZero.Apply(model);

        var after = model.state_dict();
        foreach (string name in new[] { "transformer_blocks.0.img_mod.1.weight", "transformer_blocks.1.txt_mod.1.bias", "norm_out.linear.weight", "proj_out.weight" })
            Assert.True(after[name].eq(0).all().item<bool>(), name);
        Assert.All(before.Where(p => !AdaLnZero.IsZeroed(p.Key)), p => Assert.True(after[p.Key].eq(p.Value).all().item<bool>(), p.Key));
        Assert.Contains(before, p => !AdaLnZero.IsZeroed(p.Key) && p.Key.StartsWith("transformer_blocks.0.attn.", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomModelFolderForTraining_ZeroStartsTheTransformerAndKeepsTheOtherComponents()
    {
        using var plain = new TempFolder();
        using var training = new TempFolder();
        var configs = RandomModelConfigs.Tiny(Repository.Tokenizer) with { Vision = null };

        RandomModelFolder.Write(plain.Path, configs, seed: 5);
        RandomModelFolder.Write(training.Path, configs, seed: 5, forTraining: true);

        foreach (string component in new[] { "transformer/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors" })
        {
            using var expected = SafetensorsFile.Open(Path.Combine(plain.Path, component));
            using var actual = SafetensorsFile.Open(Path.Combine(training.Path, component));
            foreach (string name in expected.Tensors.Keys)
            {
                using var scope = NewDisposeScope();
                var value = actual.Read(name, ScalarType.Float32, CPU);
                bool zeroed = component.StartsWith("transformer/", StringComparison.Ordinal) && AdaLnZero.IsZeroed(name);
                Assert.True(zeroed ? value.eq(0).all().item<bool>() : value.eq(expected.Read(name, ScalarType.Float32, CPU)).all().item<bool>(), $"{component}: {name}");
            }
        }
    }
}
