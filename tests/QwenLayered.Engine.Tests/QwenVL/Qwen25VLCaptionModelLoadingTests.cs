using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

public class Qwen25VLCaptionModelLoadingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FromCheckpoint_PublishedOrNestedLayout_LoadsEveryWeight(bool nested)
    {
        using var folder = new TempFolder();
        using var source = TinyCaptionModel.Create();
        string path = Save(source, folder, nested, extra: null);

        using var checkpoint = Checkpoint.Open(path);
        using var loaded = Qwen25VLCaptionModel.FromCheckpoint(TinyCaptionModel.Config, checkpoint, ScalarType.Float32, CPU);

        var expected = source.state_dict();
        Assert.All(loaded.state_dict(), pair => Assert.True(pair.Value.equal(expected[pair.Key]).all().item<bool>(), pair.Key));
    }

    [Fact]
    public void FromCheckpoint_UnknownTensor_FailsNamingIt()
    {
        using var folder = new TempFolder();
        using var source = TinyCaptionModel.Create();
        string path = Save(source, folder, nested: false, extra: "visual.extra.weight");

        using var checkpoint = Checkpoint.Open(path);
        var error = Assert.Throws<WeightFileException>(() => Qwen25VLCaptionModel.FromCheckpoint(TinyCaptionModel.Config, checkpoint, ScalarType.Float32, CPU));

        Assert.Contains("unexpected [visual.extra.weight]", error.Message);
    }

    [Fact]
    public void Constructor_InsideADisposeScope_KeepsItsWeightsAfterTheScope()
    {
        Qwen25VLCaptionModel model;

        using (NewDisposeScope()) model = new Qwen25VLCaptionModel(TinyCaptionModel.Config);

        using (model) Assert.All(model.parameters(), parameter => Assert.False(parameter.IsInvalid));
    }

    // transformers ≥ 4.52 saves model.* as model.language_model.* and visual.* as model.visual.*.
    private static string Save(Qwen25VLCaptionModel model, TempFolder folder, bool nested, string? extra)
    {
        var tensors = model.state_dict().ToDictionary(pair => !nested ? pair.Key
            : pair.Key.StartsWith("model.", StringComparison.Ordinal) ? "model.language_model." + pair.Key["model.".Length..]
            : pair.Key.StartsWith("visual.", StringComparison.Ordinal) ? "model." + pair.Key
            : pair.Key, pair => pair.Value);
        if (extra is not null) tensors[extra] = zeros(2);
        string path = folder.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return path;
    }
}
