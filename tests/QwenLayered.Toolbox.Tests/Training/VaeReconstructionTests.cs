using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Training;
using QwenLayered.Toolbox.Training.Data;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.Training;

public class VaeReconstructionTests(TinyModel tiny)
{
    private static readonly IReadOnlyList<LayeredScene> Scenes = SceneGenerator.Generate(seed: 1, count: 2, 32, 32);

    [Fact]
    public void ConfigToSave_FiniteWeights_RecordsTheLatentStatistics()
    {
        using var objective = new VaeReconstruction(tiny.Folder, Scenes, batchSize: 2, torch.CPU, edgeWeight: 1, decoderOnly: false);

        var config = Assert.IsType<System.Text.Json.Nodes.JsonObject>(objective.ConfigToSave());

        Assert.All(config["latents_std"]!.AsArray(), std => Assert.True(double.IsFinite(std!.GetValue<double>())));
    }

    [Fact]
    public void ConfigToSave_WeightsEncodingToNaN_IsNull()
    {
        // Latent statistics that JSON cannot hold: the trainer must not write them into a checkpoint.
        using var objective = new VaeReconstruction(tiny.Folder, Scenes, batchSize: 2, torch.CPU, edgeWeight: 1, decoderOnly: false);
        using (torch.no_grad()) objective.Model.get_parameter("quant_conv.weight")!.fill_(Scalars.Kept(float.NaN));

        Assert.Null(objective.ConfigToSave());
    }
}
