using System.Text.Json;
using QwenLayered.Engine.Tests.Fixtures;
using QwenLayered.Engine.Text;
using QwenLayered.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace QwenLayered.Engine.Tests.Text;

public class Qwen25VLTextModelTests
{
    public static TheoryData<string> Cases => FixtureSet.CaseNamesOf("text_encoder");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_EveryFixtureRun_MatchesReferenceWithinTolerance(string caseName)
    {
        var fixture = FixtureSet.Case("text_encoder", caseName);
        using var model = LoadModel(fixture);
        using var tensors = SafetensorsFile.Open(fixture.File("tensors"));
        using var manifest = fixture.ReadManifest();
        var tolerance = manifest.RootElement.GetProperty("tolerance");

        var runs = tensors.Tensors.Keys.Where(n => n.StartsWith("input.") && n.EndsWith("input_ids"))
            .Select(n => n["input.".Length..^"input_ids".Length]).ToList();
        Assert.NotEmpty(runs);
        foreach (string run in runs)
        {
            using var scope = NewDisposeScope();
            var ids = tensors.Read($"input.{run}input_ids", ScalarType.Int64, CPU);
            var mask = tensors.Tensors.ContainsKey($"input.{run}attention_mask")
                ? tensors.Read($"input.{run}attention_mask", ScalarType.Int64, CPU) : null;
            var expected = tensors.Read($"output.{run}last_hidden_state", ScalarType.Float32, CPU);

            var actual = model.forward(ids, mask);

            var (atol, rtol) = ToleranceOf(tolerance, $"{run}last_hidden_state");
            var (maxAbs, failing) = Tolerance.Compare(actual, expected, atol, rtol, mask?.unsqueeze(-1));
            TestContext.Current.TestOutputHelper?.WriteLine($"{caseName} run '{run}': max |diff| {maxAbs:E2}");
            Assert.True(failing == 0, $"{caseName} run '{run}': {failing} element(s) outside atol {atol}, rtol {rtol}; max |diff| {maxAbs:E2}.");
        }
    }

    private static Qwen25VLTextModel LoadModel(FixtureCase fixture)
    {
        using var manifest = fixture.ReadManifest();
        var config = Qwen25VLTextConfig.Parse(manifest.RootElement.GetProperty("config").GetRawText());
        using var checkpoint = Checkpoint.Open(fixture.File("weights"));
        return Qwen25VLTextModel.FromCheckpoint(config, checkpoint, CPU, ScalarType.Float32);
    }

    private static (double Atol, double Rtol) ToleranceOf(JsonElement tolerance, string output)
    {
        var entry = tolerance.TryGetProperty(output, out var specific) ? specific : tolerance;
        return (entry.GetProperty("atol").GetDouble(), entry.GetProperty("rtol").GetDouble());
    }
}
