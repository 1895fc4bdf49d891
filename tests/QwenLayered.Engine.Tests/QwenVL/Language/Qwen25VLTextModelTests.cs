using QwenLayered.Engine.QwenVL;
using QwenLayered.Engine.QwenVL.Language;
using QwenLayered.Engine.Tests.QwenVL;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.Parity;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.QwenVL.Language;

/// <summary>
/// Parity with the reference runs through the text_encoder verifier (ParityTests); these check causality, both
/// checkpoint layouts and strictness, on the fixtures' tiny model.
/// </summary>
public class Qwen25VLTextModelTests
{
    public static TheoryData<string> Cases() => TextFixtures.CasesOf("text_encoder");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_TokensAfterPositionChanged_EarlierOutputsUnchanged(string caseName)
    {
        using var fixture = TextFixtures.Open("text_encoder", caseName);
        using var model = Load(fixture, fixture.WeightsPath, ScalarType.Float32);
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(seed: 7);
        var ids = randint(model.Config.VocabSize, [1, 12], generator: generator, dtype: ScalarType.Int64);
        var changed = ids.clone();
        changed[.., 6..] = (ids[.., 6..] + 1) % model.Config.VocabSize;

        var original = model.forward(ids, null);
        var altered = model.forward(changed, null);

        Assert.True(original[.., ..6].eq(altered[.., ..6]).all().item<bool>(), "outputs before the change moved");
        Assert.False(original[.., 6..].allclose(altered[.., 6..]), "outputs after the change did not move");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromCheckpoint_LanguageModelPrefixLayout_LoadsTheSameWeights(string caseName)
    {
        using var fixture = TextFixtures.Open("text_encoder", caseName);
        using var folder = new TempFolder();
        string nested = folder.File("nested.safetensors");
        RewriteNames(fixture.WeightsPath, nested, name => name.StartsWith("model.", StringComparison.Ordinal)
            ? "model.language_model." + name["model.".Length..] : name);
        using var legacy = Load(fixture, fixture.WeightsPath, ScalarType.Float32);
        using var renamed = Load(fixture, nested, ScalarType.Float32);
        using var ids = arange(Math.Min(9, legacy.Config.VocabSize), dtype: ScalarType.Int64).unsqueeze(0);

        using var expected = legacy.forward(ids, null);
        using var actual = renamed.forward(ids, null);

        Assert.True(actual.eq(expected).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromCheckpoint_UnknownAndMissingTensors_FailsNamingThem(string caseName)
    {
        using var fixture = TextFixtures.Open("text_encoder", caseName);
        using var folder = new TempFolder();
        string broken = folder.File("broken.safetensors");
        RewriteNames(fixture.WeightsPath, broken, name => name == "model.norm.weight" ? "model.final_norm.weight" : name);

        var error = Assert.Throws<WeightFileException>(() => Load(fixture, broken, ScalarType.Float32));

        Assert.Contains("missing [norm.weight]", error.Message);
        Assert.Contains("unexpected [model.final_norm.weight]", error.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_BFloat16_StaysCloseToFloat32(string caseName)
    {
        using var fixture = TextFixtures.Open("text_encoder", caseName);
        using var full = Load(fixture, fixture.WeightsPath, ScalarType.Float32);
        using var half = Load(fixture, fixture.WeightsPath, ScalarType.BFloat16);
        using var scope = NewDisposeScope();
        var ids = arange(Math.Min(16, full.Config.VocabSize), dtype: ScalarType.Int64).unsqueeze(0);

        var reference = full.forward(ids, null);
        var approximate = half.forward(ids, null);

        Assert.Equal(ScalarType.BFloat16, approximate.dtype);
        double relative = ((approximate.to(ScalarType.Float32) - reference).norm() / reference.norm()).item<float>();
        Assert.True(relative < 0.05, $"bf16 relative error {relative:E2}");
    }

    private static Qwen25VLTextModel Load(FixtureCase fixture, string weightsPath, ScalarType dtype)
    {
        using var checkpoint = Checkpoint.Open(weightsPath);
        return Qwen25VLTextModel.FromCheckpoint(Qwen25VLTextConfig.FromElement(fixture.ManifestPath, fixture.Config), checkpoint, dtype, CPU);
    }

    private static void RewriteNames(string source, string target, Func<string, string> rename)
    {
        using var scope = NewDisposeScope();
        using var file = SafetensorsFile.Open(source);
        var tensors = file.Tensors.Keys.ToDictionary(rename, name => file.Read(name, ScalarType.Float32, CPU));
        SafetensorsWriter.Write(target, tensors);
    }
}
