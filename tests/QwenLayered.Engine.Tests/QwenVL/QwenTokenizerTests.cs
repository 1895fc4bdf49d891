using System.Text;
using System.Text.Json;
using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

/// <summary>
/// Encoding parity with every reference id runs through the tokenizer verifier (ParityTests); these check decoding
/// and the template facts of the spec on the fixtures' tokenizer.
/// </summary>
public class QwenTokenizerTests
{
    public static TheoryData<string> Cases() => TextFixtures.CasesOf("tokenizer");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_EveryFixtureIds_ReturnsTheNfcText(string caseName)
    {
        var (tokenizer, samples) = Load(caseName);

        var mismatches = samples.Where(s => tokenizer.Decode(s.Ids) != s.Text.Normalize(NormalizationForm.FormC)).Select(s => s.Note).ToList();

        Assert.NotEmpty(samples);
        Assert.Empty(mismatches);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_TemplatePrefix_Gives34IdsEndingWithTheUserTurn(string caseName)
    {
        var (tokenizer, _) = Load(caseName);

        var ids = tokenizer.Encode(PromptTemplate.Prefix);

        Assert.Equal(PromptTemplate.DropTokens, ids.Count);
        Assert.Equal([151644, 872, 198], ids.TakeLast(3));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_NegativePromptInTemplate_KeepsSixIdsAfterTheDrop(string caseName)
    {
        var (tokenizer, _) = Load(caseName);

        var ids = tokenizer.Encode(PromptTemplate.Format(PromptTemplate.DefaultNegativePrompt));

        Assert.Equal([220, 151645, 198, 151644, 77091, 198], ids.Skip(PromptTemplate.DropTokens));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_SkippingSpecialTokens_DropsChatMarkers(string caseName)
    {
        var (tokenizer, _) = Load(caseName);

        string text = tokenizer.Decode(tokenizer.Encode("<|im_start|>user\nhi<|im_end|>"), skipSpecialTokens: true);

        Assert.Equal("user\nhi", text);
    }

    [Fact]
    public void FromFolder_MissingFolder_NamesTheMissingFile()
    {
        var error = Assert.Throws<FileNotFoundException>(() => QwenTokenizer.FromFolder(Path.Combine(Path.GetTempPath(), "no-tokenizer-here")));

        Assert.Contains("vocab.json", error.Message);
    }

    private static (QwenTokenizer Tokenizer, List<Sample> Samples) Load(string caseName)
    {
        using var fixture = TextFixtures.Open("tokenizer", caseName);
        string casesFile = Path.Combine(fixture.Folder, fixture.Manifest.GetProperty("files").GetProperty("cases").GetString()!);
        var samples = JsonSerializer.Deserialize<List<Sample>>(File.ReadAllText(casesFile), JsonOptions)!;
        return (TextFixtures.Tokenizer(caseName), samples);
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private sealed record Sample(string Text, int[] Ids, string Note);
}
