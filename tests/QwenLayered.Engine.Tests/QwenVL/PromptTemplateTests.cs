using QwenLayered.Engine.QwenVL;

namespace QwenLayered.Engine.Tests.QwenVL;

public class PromptTemplateTests
{
    public static TheoryData<string> Cases() => TextFixtures.CasesOf("prompt_postprocess");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Format_EveryFixturePrompt_GivesTheStringTheReferenceTokenized(string caseName)
    {
        using var fixture = TextFixtures.Open("prompt_postprocess", caseName);
        var call = fixture.Manifest.GetProperty("call");
        var prompts = call.GetProperty("runs").EnumerateArray().SelectMany(run => run.GetProperty("prompts").EnumerateArray());
        var tokenized = call.GetProperty("strings_given_to_tokenizer").EnumerateArray().SelectMany(run => run.EnumerateArray());

        Assert.Equal(tokenized.Select(s => s.GetString()), prompts.Select(p => PromptTemplate.Format(p.GetString()!)));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrefixAndSuffix_AroundPlaceholder_AreTheReferenceTemplate(string caseName)
    {
        using var fixture = TextFixtures.Open("prompt_postprocess", caseName);
        string reference = fixture.Config.GetProperty("prompt_template_encode").GetString()!;

        Assert.Equal(PromptTemplate.Prefix + "{}" + PromptTemplate.Suffix, reference);
    }

    [Fact]
    public void Format_PromptWithBraces_InsertsItLiterally()
    {
        Assert.Equal(PromptTemplate.Prefix + "{0} {x}" + PromptTemplate.Suffix, PromptTemplate.Format("{0} {x}"));
    }
}
