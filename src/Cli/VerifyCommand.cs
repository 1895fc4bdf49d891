using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using QwenLayered.Engine.Runtime;
using QwenLayered.Toolbox.Parity;
using static TorchSharp.torch;

namespace QwenLayered.Cli;

/// <summary>
/// <c>qwenlayered verify</c>: runs each fixture case's component and compares every output with the reference.
/// Exits non-zero when a case fails, when no case matches, or when a case's component has no verifier yet.
/// In a dtype other than fp32 the numbers are reported but do not fail (the references are fp32).
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var fixtures = new Option<string?>("--fixtures") { Description = $"Fixture set folder (default ${FixtureLocator.EnvironmentVariable}, else the reference set in the repository's {FixtureLocator.RepositoryFolder})." };
        var component = new Option<string>("--component") { Description = "Component to verify, or all.", DefaultValueFactory = _ => "all" };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "fp32 (default; failures fail), bf16 or fp16 (report only).", DefaultValueFactory = _ => "fp32" };
        var command = new Command("verify", "Check components against golden fixtures.") { fixtures, component, device, dtype };
        command.SetAction(result => Run(
            result.GetValue(fixtures) ?? FixtureLocator.Default(),
            result.GetValue(component)!,
            ComputeDevice.Select(result.GetValue(device)!, NullLogger.Instance),
            DTypeName.Parse(result.GetValue(dtype)!),
            result.InvocationConfiguration.Output));
        return command;
    }

    internal static int Run(string folder, string component, Device device, ScalarType dtype, TextWriter output)
    {
        IReadOnlyList<FixtureCase> cases;
        try
        {
            cases = FixtureSet.Open(folder, component == "all" ? null : component);
        }
        catch (Exception error) when (error is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            output.WriteLine($"verify: cannot read the fixture set: {error.Message}");
            output.WriteLine("verify: 0 passed, 1 failed");
            return 1;
        }
        bool reportOnly = dtype != ScalarType.Float32;
        output.WriteLine($"verify: {cases.Count} case(s) in {folder}, component {component}, {dtype} on {device}{(reportOnly ? " (report only)" : "")}");
        output.WriteLine($"{"case",-28} {"component",-14} {"output",-34} {"max abs err",12} {"worst index",-20} {"atol",9} {"rtol",9}  result");
        int passed = 0, failed = 0;
        foreach (var fixture in cases)
        {
            using (fixture)
            {
                var results = VerifyCase(fixture, device, dtype);
                foreach (var r in results) output.WriteLine(Row(r, reportOnly));
                bool ok = results.Count > 0 && results.All(r => r.Passed || (reportOnly && r.Problem is null));
                var worst = results.OrderByDescending(r => double.IsNaN(r.MaxAbsError) ? double.MaxValue : r.MaxAbsError).FirstOrDefault();
                output.WriteLine($"{fixture.Name,-28} {fixture.Component,-14} worst {worst?.Output ?? "-",-28} {worst?.MaxAbsError ?? double.NaN,12:E2} {(ok ? "PASS" : "FAIL")}");
                if (ok) passed++; else failed++;
            }
        }
        if (cases.Count == 0) output.WriteLine($"verify: no case of component '{component}' in {folder}");
        output.WriteLine($"verify: {passed} passed, {failed} failed");
        return failed == 0 && cases.Count > 0 ? 0 : 1;
    }

    private static List<ParityResult> VerifyCase(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var verifier = VerifierRegistry.Find(fixture.Component);
        if (verifier is null)
            return [ParityResult.Failure(fixture.Name, fixture.Component, "-", $"component '{fixture.Component}' is not implemented yet")];
        try
        {
            return [.. verifier.Verify(fixture, device, dtype)];
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // One broken case (bad weights, bad manifest) is reported and the others still run.
            return [ParityResult.Failure(fixture.Name, fixture.Component, "-", error.Message)];
        }
    }

    private static string Row(ParityResult r, bool reportOnly)
    {
        string status = r.Passed ? "PASS" : r.Problem is not null ? $"FAIL: {r.Problem}" : reportOnly ? $"over tolerance ({r.FailingElements} elements)" : $"FAIL ({r.FailingElements} elements)";
        string index = "[" + string.Join(",", r.WorstIndex) + "]";
        return $"{r.Case,-28} {r.Component,-14} {r.Output,-34} {r.MaxAbsError,12:E2} {index,-20} {r.Tolerance?.Atol,9:G3} {r.Tolerance?.Rtol,9:G3}  {status}";
    }
}
