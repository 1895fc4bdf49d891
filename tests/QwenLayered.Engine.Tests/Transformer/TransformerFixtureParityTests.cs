using QwenLayered.Engine.Parity;
using TorchSharp;

namespace QwenLayered.Engine.Tests.Transformer;

public class TransformerFixtureParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Run_EveryTransformerCase_MatchesEveryStoredTensorWithinTolerance()
    {
        string root = "/work/shared/fixtures";
        foreach (var name in new[] { "transformer_layered_a", "transformer_layered_b" })
        {
            var results = TransformerFixtureCase.Run(Path.Combine(root, name), torch.ScalarType.Float32, torch.CPU);
            foreach (var r in results)
                output.WriteLine($"{name} {r.Name}: max abs {r.MaxAbsError:E2} rel {r.RelativeError:E2} {(r.WithinTolerance ? "ok" : "FAIL")}");
            Assert.All(results, r => Assert.True(r.WithinTolerance, r.Name));
        }
    }
}
