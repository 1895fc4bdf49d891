using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Weights;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL;

public class Qwen25VLCaptionHeadLoadingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FromCheckpoint_PublishedOrNestedLayout_LoadsEveryWeight(bool nested)
    {
        using var folder = new TempFolder();
        using var source = TinyCaptionModel.Create();
        string path = Save(source.Model, folder, nested, extra: null);

        using var checkpoint = Checkpoint.Open(path);
        using var language = Qwen25VLTextModel.FromCheckpoint(TinyCaptionModel.Config.Text, checkpoint, ScalarType.Float32, CPU);
        using var head = Qwen25VLCaptionHead.FromCheckpoint(TinyCaptionModel.Config, checkpoint, ScalarType.Float32, CPU);
        var loaded = new Qwen25VLCaptionModel(head, language);

        var expected = source.Model.Weights().ToDictionary();
        Assert.All(loaded.Weights(), pair => Assert.True(pair.Value.equal(expected[pair.Key]).all().item<bool>(), pair.Key));
    }

    [Fact]
    public void FromCheckpoint_UnknownTensor_FailsNamingIt()
    {
        using var folder = new TempFolder();
        using var source = TinyCaptionModel.Create();
        string path = Save(source.Model, folder, nested: false, extra: "visual.extra.weight");

        using var checkpoint = Checkpoint.Open(path);
        var error = Assert.Throws<WeightFileException>(() => Qwen25VLCaptionHead.FromCheckpoint(TinyCaptionModel.Config, checkpoint, ScalarType.Float32, CPU));

        Assert.Contains("unexpected [visual.extra.weight]", error.Message);
    }

    [Fact]
    public void Constructor_InsideADisposeScope_KeepsItsWeightsAfterTheScope()
    {
        Qwen25VLCaptionHead head;

        using (NewDisposeScope()) head = new Qwen25VLCaptionHead(TinyCaptionModel.Config);

        using (head) Assert.All(head.parameters(), parameter => Assert.False(parameter.IsInvalid));
    }

    // transformers ≥ 4.52 saves model.* as model.language_model.* and visual.* as model.visual.*.
    private static string Save(Qwen25VLCaptionModel model, TempFolder folder, bool nested, string? extra)
    {
        var tensors = model.Weights().ToDictionary(pair => !nested ? pair.Key
            : pair.Key.StartsWith("model.", StringComparison.Ordinal) ? "model.language_model." + pair.Key["model.".Length..]
            : pair.Key.StartsWith("visual.", StringComparison.Ordinal) ? "model." + pair.Key
            : pair.Key, pair => pair.Value);
        if (extra is not null) tensors[extra] = zeros(2);
        string path = folder.File("model.safetensors");
        SafetensorsWriter.Write(path, tensors);
        return path;
    }
}
