using QwenLayered.Toolbox.Evaluation;
using QwenLayered.Toolbox.Training.Data;

namespace QwenLayered.Toolbox.Tests.Evaluation;

public class VaeRoundTripTests(TinyModel tiny)
{
    [Fact]
    public void Layers_EveryTrueLayerDecodedAtTheWorkingSize()
    {
        var scene = SceneGenerator.Generate(seed: 11, 64, 64);
        var roundTrip = new VaeRoundTrip(tiny.Pipeline.Vae, new ModelSampling(Resolution: 32));

        var layers = roundTrip.Layers(scene);

        Assert.Equal(scene.Layers.Count, layers.Count);
        Assert.All(layers, layer => Assert.Equal((32, 32), (layer.Width, layer.Height)));
        Assert.NotEqual(layers[0].Pixels, layers[^1].Pixels);
    }
}
