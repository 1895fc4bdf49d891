using QwenLayered.Toolbox.Parity;
using TorchSharp;

namespace QwenLayered.Toolbox.Tests.Parity;

/// <summary>Runs every implemented component's verifier on every matching case of the fixture set, in float32.</summary>
public class ParityTests
{
    public static TheoryData<string, string> Cases() => FixtureCases.OfImplementedComponents();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_CaseOfAnImplementedComponent_EveryOutputWithinTolerance(string caseName, string component)
    {
        var fixture = FixtureSet.Open(FixtureCases.Folder, component).Single(c => c.Name == caseName);
        using (fixture)
        {
            var results = VerifierRegistry.Find(component)!.Verify(fixture, torch.CPU, torch.ScalarType.Float32).ToList();

            // Cases without tensors (the tokenizer's) list no outputs in their manifest; their verifier names its own.
            if (fixture.OutputNames.Count > 0) Assert.Equal(fixture.OutputNames, results.Select(r => r.Output));
            Assert.NotEmpty(results);
            var failures = results.Where(r => !r.Passed)
                .Select(r => $"{r.Output}: max abs {r.MaxAbsError:E2} at [{string.Join(", ", r.WorstIndex)}], {r.FailingElements} outside {r.Tolerance} {r.Problem}");
            Assert.True(results.All(r => r.Passed), string.Join("\n", failures));
        }
    }
}
