using System.Text.Json;
using QwenLayered.Engine.QwenVL;
using static TorchSharp.torch;

namespace QwenLayered.Toolbox.Parity;

/// <summary>
/// <c>tokenizer</c> cases: a model-folder-style <c>tokenizer/</c> subfolder and a <c>cases</c> JSON array of
/// <c>{"text", "ids", "note"}</c>. One result, <c>ids</c>, which passes only if every text encodes to exactly its ids.
/// </summary>
public sealed class TokenizerVerifier() : ComponentVerifier("tokenizer")
{
    private const int MismatchesListed = 5;

    protected override IEnumerable<ParityResult> Run(FixtureCase fixture, Device device, ScalarType dtype)
    {
        var tokenizer = QwenTokenizer.FromFolder(Path.Combine(fixture.Folder, "tokenizer"));
        string casesFile = fixture.Manifest.GetProperty("files").GetProperty("cases").GetString()!;
        using var cases = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture.Folder, casesFile)));

        var mismatches = new List<string>();
        long firstFailing = -1, count = 0;
        foreach (var sample in cases.RootElement.EnumerateArray())
        {
            var expected = sample.GetProperty("ids").EnumerateArray().Select(id => id.GetInt32()).ToArray();
            var actual = tokenizer.Encode(sample.GetProperty("text").GetString()!);
            if (!actual.SequenceEqual(expected))
            {
                if (firstFailing < 0) firstFailing = count;
                mismatches.Add($"{sample.GetProperty("note").GetString()}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
            }
            count++;
        }

        if (count == 0) return [ParityResult.Failure(fixture.Name, Component, "ids", $"{casesFile} holds no cases")];
        string? problem = mismatches.Count == 0 ? null
            : $"{mismatches.Count} of {count} texts differ; " + string.Join("; ", mismatches.Take(MismatchesListed));
        // Ids are exact: the error is the share of texts that differ, the worst index the first such text.
        return [new ParityResult(fixture.Name, Component, "ids", mismatches.Count == 0, (double)mismatches.Count / count,
            firstFailing < 0 ? [] : [firstFailing], mismatches.Count, Tolerance.Exact, problem)];
    }
}
